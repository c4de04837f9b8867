def maybe():
    pass


value = maybe()
print(value + 1)
