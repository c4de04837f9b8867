first, second = [1, 2, 3]
