point = (1, 2)
print(point[-3])
