# expect-context-contains: 'class' is a reserved keyword
class = "economy"
