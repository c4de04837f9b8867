big = 10 ** 5000
text = str(big)
