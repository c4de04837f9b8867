# expect-suggestion-contains: Use one of the existing keys: 'ann'
names = ["ann", "bob"]
ages = {"ann": 31}
table = {name: ages[name] for name in names}
