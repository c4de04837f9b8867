flag = False
if flag:
    result = 42
print(result)
