# expect-suggestion-contains: 'total_count'
class Tally:
    def __init__(self):
        self.total_count = 0

    def add(self, n):
        self.total_cont += n


tally = Tally()
tally.add(3)
