# expect-suggestion-contains: :
def greet(name)
    return "hi " + name
