# expect-suggestion-contains: 'result'
def compute(values):
    result = sum(values)
    return reslt


print(compute([1, 2, 3]))
