ratio = 2 / 3
ratio > 0.5
