# Closes every descriptor it has (stdin, stdout, stderr, the report pipe, anything else) and
# exits normally: no report at all. The kernel's exit status 0 is the truth: success.
# expect: success=true max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import os

os.closerange(0, 65536)
total = sum(range(1000))
