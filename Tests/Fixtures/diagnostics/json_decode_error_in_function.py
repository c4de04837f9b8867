import json


def parse(text):
    return json.loads(text)


print(parse('[1, 2]'))
print(parse('{bad'))
