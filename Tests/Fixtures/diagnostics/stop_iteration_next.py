numbers = iter([])
print(next(numbers))
