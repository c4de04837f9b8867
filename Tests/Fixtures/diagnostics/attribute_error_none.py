def find(users, name):
    for user in users:
        if user == name:
            return user


match = find(["ann", "bob"], "cy")
print(match.upper())
