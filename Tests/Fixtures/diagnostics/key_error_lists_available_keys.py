# expect-context-contains: 'missing'
prices = {"apple": 1.25, "pear": 0.8}
print(prices["missing"])
