# Partner of pair_signal_reach.py: catches every catchable signal for 4 s and reports any that
# arrives (the reacher sends SIGUSR1/SIGTERM/SIGKILL at this execution's host pids). A SIGKILL
# that got through would end it by a signal instead of succeeding.
# role: partner
# expect: success=true stdout-contains="target ready" stdout-contains="received none"
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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

received = []
for name in ("SIGUSR1", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGCONT", "SIGWINCH"):
    signal.signal(getattr(signal, name), lambda number, frame: received.append(number))
print("target ready", flush=True)
deadline = time.monotonic() + 4
while time.monotonic() < deadline:
    time.sleep(0.05)
if received:
    print("ESCAPE: received signals from outside: %s" % received)
else:
    print("received none")
