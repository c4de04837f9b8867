# expect-suggestion-contains: 'total'
# expect-fix-contains: total
total = 10
count = 2
print(totl / count)
