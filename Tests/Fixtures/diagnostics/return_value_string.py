name = "warden"
f"hello, {name}"
