# expect-context-contains: in a list comprehension: 'v' is 0
values = [4, 2, 0, 1]
inverses = [1 / v for v in values]
