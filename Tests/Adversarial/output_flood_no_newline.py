# One 200 MB line without a newline, written to fd 1 directly (no Python buffering).
# expect: success=true stdout_truncated=true max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
import os

block = b"x" * (1 << 20)
for _ in range(200):
    view = memoryview(block)
    while view:
        view = view[os.write(1, view):]
