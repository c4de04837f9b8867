items = [1, 2]
assert len(items) == 3
