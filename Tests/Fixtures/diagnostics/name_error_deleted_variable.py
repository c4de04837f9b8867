data = [1, 2, 3]
del data
print(len(data))
