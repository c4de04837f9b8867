squares = [n * n for n in range(6)]
squares
