# Memory bomb spread over four processes: each holds 90 MB (under its own address-space
# limit), 360 MB in all under a 100 MB memory limit. Only an accounting of the execution as a
# whole (the cgroup) stops it; whoever is killed, the execution went over its memory limit.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15, "memory_mb": 100, "max_processes": 8}}
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

CHUNK = 90 << 20


def hold(seconds):
    block = bytearray(CHUNK)
    for offset in range(0, CHUNK, 4096):
        block[offset] = 1  # touch every page
    time.sleep(seconds)
    return block


children = []
for index in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            hold(3)
        finally:
            os._exit(0)
    children.append(pid)
mine = hold(3.5)
killed = []
for pid in children:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        killed.append(os.WTERMSIG(status))
if not killed:
    print("ESCAPE: four processes held 360 MB under a 100 MB limit")
print("children killed by signals %s" % killed)
