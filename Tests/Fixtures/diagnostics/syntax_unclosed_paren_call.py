print("a", "b"
x = 1
