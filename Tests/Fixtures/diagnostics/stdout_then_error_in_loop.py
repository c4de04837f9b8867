for i in range(5):
    print("processing item", i)
    if i == 3:
        raise RuntimeError(f"item {i} is corrupt")
