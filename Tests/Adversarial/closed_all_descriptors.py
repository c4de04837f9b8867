# Closes every descriptor it has (stdin, stdout, stderr, the report pipe, anything else) and
# exits normally: no report at all. The kernel's exit status 0 is the truth: success.
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

os.closerange(0, 65536)
total = sum(range(1000))
