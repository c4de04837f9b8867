# Sleeping (no CPU at all) past the wall-clock limit.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 1}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import time

time.sleep(60)
print("ESCAPE: slept 60 s under a 1 s timeout")
