rows = [[1, 2], [3], [4, 5]]
print(sum(row[1] for row in rows))
