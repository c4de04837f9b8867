raw = b"caf\xe9"
print(raw.decode("utf-8"))
