# Leaves a child behind that keeps stdout, stderr and the report pipe open for 20 s. The
# execution ended when the worker did: the answer must not wait for the child's pipes, and
# the child must not survive.
# expect: success=true stdout-contains=parent-done max-seconds=5
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15, "max_processes": 4}}
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

if os.fork() == 0:
    try:
        try:
            with open("/proc/self/comm", "w") as handle:
                handle.write("wadv-@TOKEN@")
        except OSError:
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os._exit(0)
print("parent-done", flush=True)
