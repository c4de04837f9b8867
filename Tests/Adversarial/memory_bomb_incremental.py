# Memory bomb in 1 MB steps, every page touched, at most 4 GB.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15, "memory_mb": 100}}
blocks = []
for step in range(4096):
    blocks.append(b"x" * (1 << 20))
print("ESCAPE: held 4 GB under a 100 MB limit")
