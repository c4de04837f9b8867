# expect-context-contains: Functions 'is_even' and 'is_odd' called each other
def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return is_even(n + 1)


print(is_even(3))
