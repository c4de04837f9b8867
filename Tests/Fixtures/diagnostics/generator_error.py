def parse_all(lines):
    for line in lines:
        yield int(line)


total = 0
for number in parse_all(["1", "2", "three"]):
    total += number
