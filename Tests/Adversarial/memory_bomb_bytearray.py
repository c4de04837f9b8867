# One huge allocation (4 GB) under a 100 MB memory limit.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "memory_mb": 100}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
data = bytearray(4 << 30)
data[::4096] = b"x" * len(data[::4096])
print("ESCAPE: allocated and touched 4 GB under a 100 MB limit")
