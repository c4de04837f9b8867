# expect-context-contains: Key 'age' is not in the dictionary 'person'
people = [{"name": "ann", "age": 31}, {"name": "bob"}]
people.sort(key=lambda person: person["age"])
