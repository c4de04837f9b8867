ratio = 1.5
scale = 0.0
print(ratio / scale)
