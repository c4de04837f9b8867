# expect-suggestion-contains: 'host'
config = {"host": "localhost", "port": 8080, "debug": True}
print(config["hots"])
