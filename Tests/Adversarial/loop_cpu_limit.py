# CPU-bound loop with cpu_seconds (1) below timeout_seconds (10): the CPU limit ends it.
# expect: category=timeout_error limit_kind=cpu max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "cpu_seconds": 1}}
import time

deadline = time.monotonic() + 60
spins = 0
while time.monotonic() < deadline:
    spins += 1
print("ESCAPE: ran 60 s past a 1 s CPU limit")
