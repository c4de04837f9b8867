# expect-suggestion-contains: 'größe'
größe = 3
print(grösse * 2)
