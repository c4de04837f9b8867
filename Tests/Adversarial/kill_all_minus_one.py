# kill(-1, SIGKILL): "every process I may signal". Inside its own PID namespace that is nobody
# but itself (process 1 is exempt), so it fails with ESRCH; the daemon and everything else on
# the host must be untouched (the runner checks the daemon answers and runs again).
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

os.kill(-1, signal.SIGKILL)
raise SystemExit(9)  # reached when the signal was ignored: still a failure of the script's own making
