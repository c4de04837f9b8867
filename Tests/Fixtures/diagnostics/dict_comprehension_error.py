names = ["ann", "bob"]
ages = {"ann": 31}
table = {name: ages[name] for name in names}
