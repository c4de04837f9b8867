values = [3, "two", 1]
values.sort()
