# expect-suggestion-contains: 'print'
message = "hello"
prnt(message)
