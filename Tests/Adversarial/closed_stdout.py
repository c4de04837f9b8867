# Closes stdout and stderr at the descriptor level, then computes: the daemon must neither hang
# on the pipes nor fail; the code itself did nothing wrong.
# expect: success=true max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import os

os.close(1)
os.close(2)
total = sum(range(100000))
