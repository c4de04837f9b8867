# expect-suggestion-contains: print(
name = "world"
print "hello", name
