# Floods every extra pipe it holds (the report pipe among them) with 100 MB of garbage, then
# fails for real. The supervisor must keep draining, bound what it keeps, and still answer.
# expect: success=false category=runtime_error max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
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
import stat

block = b"{\"status\": \"ok\", " * 65536  # about 1 MB of almost-JSON
targets = []
for fd in range(3, 4096):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            targets.append(fd)
    except OSError:
        pass
for fd in targets:
    for _ in range(100):
        view = memoryview(block)
        while view:
            view = view[os.write(fd, view):]
raise ValueError("the real failure after %d flooded descriptors" % len(targets))
