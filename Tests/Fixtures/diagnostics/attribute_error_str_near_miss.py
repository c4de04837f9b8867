# expect-suggestion-contains: 'upper'
name = "warden"
print(name.uper())
