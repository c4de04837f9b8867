width = 7
columns = 0
print(width % columns)
