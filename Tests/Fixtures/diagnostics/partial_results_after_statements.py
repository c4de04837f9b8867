processed = 0
results = []
for item in ["1", "4", "9"]:
    results.append(int(item) ** 0.5)
    processed += 1
print("processed", processed)
current_item = "item_4"
results.append(int(current_item))
print("not reached")
