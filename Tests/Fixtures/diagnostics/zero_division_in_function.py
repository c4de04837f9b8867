# expect-suggestions-exclude: 'total'
# expect-suggestion-contains: 'count'
def calculate_average(numbers):
    total = sum(numbers)
    count = len(numbers)
    return total / count


print(calculate_average([10, 20]))
print(calculate_average([]))
