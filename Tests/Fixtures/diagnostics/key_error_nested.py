record = {"user": {"name": "ada", "email": "ada@example.org"}}
print(record["user"]["phone"])
