try:
    result = 1 / 0
except ZeroDivisionError:
    print(undefined_fallback)
