x = 1
y = 2
print(undefined_variable)
