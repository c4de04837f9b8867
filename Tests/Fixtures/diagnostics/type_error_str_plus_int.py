age = 42
print("age: " + age)
