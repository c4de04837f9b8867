x = 3
assert x > 5, f"x must be greater than 5, got {x}"
