# Memory bomb that catches MemoryError and keeps grabbing smaller pieces, trying to live at the
# ceiling; at most 4 GB and 20 s. Whatever stops it, it is a memory error.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "memory_mb": 100}}
import time

blocks = []
size = 64 << 20
total = 0
deadline = time.monotonic() + 20
while total < (4 << 30) and time.monotonic() < deadline:
    try:
        blocks.append(b"y" * size)
        total += size
    except MemoryError:
        if size <= 4096:
            raise  # nothing left: let the last MemoryError out
        size //= 2
if total > (400 << 20):
    print("ESCAPE: held %d bytes under a 100 MB limit" % total)
print("gave up after 20 s holding %d bytes" % total)
raise SystemExit(5)
