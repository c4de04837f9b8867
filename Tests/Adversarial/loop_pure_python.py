# Endless pure-Python loop (bounded at 60 s) under a 2 s wall-clock limit.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
import time

deadline = time.monotonic() + 60
spins = 0
while time.monotonic() < deadline:
    spins += 1
print("ESCAPE: ran 60 s past a 2 s timeout")
