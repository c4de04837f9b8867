# expect-suggestion-contains: 'count'
# expect-context-contains: 'count' is 0
total = 100
count = 0
average = total / count
