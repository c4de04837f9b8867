# Output flood on stderr: 200 MB, written straight to the descriptor.
# expect: success=true stderr_truncated=true max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
import os

block = b"E" * (1 << 20)
for _ in range(200):
    view = memoryview(block)
    while view:
        view = view[os.write(2, view):]
