# expect-suggestions-exclude: Did you mean
lookup = {1: "one", 2: "two"}
print(lookup[3])
