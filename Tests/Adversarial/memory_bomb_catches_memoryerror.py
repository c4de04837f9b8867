# Memory bomb that catches MemoryError and keeps grabbing smaller pieces, trying to live at the
# ceiling; at most 4 GB and 20 s. Whatever stops it, it is a memory error.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "memory_mb": 100}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os


def _guard_host_uid(uid):
    # The uid as the parent user namespace sees it (a sandbox uid mapped to root is root).
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return 0  # unknown: assume the worst


if _guard_os.getpid() != 1 or 0 in (_guard_host_uid(_guard_os.getuid()), _guard_host_uid(_guard_os.geteuid())):
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
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
