# SIGKILL to itself and to its process group. As its namespace's init the worker may be immune
# to its own SIGKILL; either way the script's own doing: a runtime error, never a crash of the
# daemon or a security verdict.
# expect: success=false category=runtime_error
# request: {"security_level": "permissive"}
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
import signal

os.kill(os.getpid(), signal.SIGKILL)
# killpg(0) reaches every member of the process group, also members outside the PID namespace
# (the group is not namespaced). Only send it when the worker leads a group of its own.
if os.getpgrp() != os.getpid():
    print("ESCAPE: the worker shares process group %d with processes outside its namespace" % os.getpgrp())
    raise SystemExit(0)
os.killpg(0, signal.SIGKILL)
raise SystemExit(9)
