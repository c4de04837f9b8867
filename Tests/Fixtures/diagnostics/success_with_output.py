import json

data = {"b": 2, "a": [1, 2, 3]}
print(json.dumps(data, sort_keys=True))
total = sum(data["a"])
