print("side effect")
None
