# Fork bomb with os.fork: every process keeps forking. The process limit must stop it with
# EAGAIN in the worker itself (children that hit the limit just sleep, they never report).
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
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
import os
import time

def child_life():
    # A child forks once more (the bomb grows in every process), then holds its slot for a while.
    try:
        if os.fork() == 0:
            hold()
    except OSError:
        pass
    hold()


def hold():
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os._exit(0)


# At most 5,000 forks here and one more in each child: 10,000 in all.
for attempt in range(5000):
    pid = os.fork()  # raises BlockingIOError (EAGAIN) once the limit is reached
    if pid == 0:
        child_life()
print("ESCAPE: forked 10000 processes without hitting a limit")
