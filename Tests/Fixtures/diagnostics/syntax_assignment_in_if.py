# expect-context-contains: Assignment operator '=' used instead of comparison '=='
# expect-suggestion-contains: ==
x = 10
if x = 5:
    print("five")
