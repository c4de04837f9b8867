# A SIGALRM handler that re-arms itself and raises, plus a loop that swallows whatever the
# handlers raise: tries to keep control of the process past the limit.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
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
import signal
import time


class Again(Exception):
    pass


def on_alarm(number, frame):
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    raise Again()


for name in ("SIGALRM", "SIGTERM", "SIGUSR2", "SIGXCPU"):
    signal.signal(getattr(signal, name), on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.05)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        time.sleep(0.01)
    except BaseException:
        continue
print("ESCAPE: survived 60 s with a re-arming SIGALRM handler")
