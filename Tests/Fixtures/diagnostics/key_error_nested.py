# expect-suggestions-exclude: 'user'
# expect-context-excludes: 'record'
record = {"user": {"name": "ada", "email": "ada@example.org"}}
print(record["user"]["phone"])
