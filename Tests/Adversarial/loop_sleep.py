# Sleeping (no CPU at all) past the wall-clock limit.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 1}}
import time

time.sleep(60)
print("ESCAPE: slept 60 s under a 1 s timeout")
