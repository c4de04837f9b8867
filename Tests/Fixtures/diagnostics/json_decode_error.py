import json

payload = '{"name": "ada", "age": }'
data = json.loads(payload)
