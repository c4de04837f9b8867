# One huge allocation (4 GB) under a 100 MB memory limit.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "memory_mb": 100}}
data = bytearray(4 << 30)
data[::4096] = b"x" * len(data[::4096])
print("ESCAPE: allocated and touched 4 GB under a 100 MB limit")
