# Replacing the interpreter with a shell through os.execv: refused without the capability.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import os

os.execv("/bin/sh", ["sh", "-c", "echo 'ESCAPE: execv ran a shell'"])
