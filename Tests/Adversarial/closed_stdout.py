# Closes stdout and stderr at the descriptor level, then computes: the daemon must neither hang
# on the pipes nor fail; the code itself did nothing wrong.
# expect: success=true max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import os

os.close(1)
os.close(2)
total = sum(range(100000))
