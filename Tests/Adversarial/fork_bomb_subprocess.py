# Process bomb through subprocess with the default process limit (1): the first fork of
# subprocess must already fail with EAGAIN.
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import subprocess

children = []
for attempt in range(10000):
    children.append(subprocess.Popen(["/bin/sleep", "20"]))
print("ESCAPE: started 10000 subprocesses without hitting a limit")
