# expect-suggestion-contains: 'username'
username = "ada"
print(f"hello {usrname}")
