# Thread bomb: threads count against the process limit too.
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import threading
import time

stop = time.monotonic() + 20


def hold():
    while time.monotonic() < stop:
        time.sleep(0.2)


for attempt in range(10000):
    threading.Thread(target=hold, daemon=True).start()  # RuntimeError: can't start new thread
print("ESCAPE: started 10000 threads without hitting a limit")
