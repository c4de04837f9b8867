raw = "x"
number = int(raw)
