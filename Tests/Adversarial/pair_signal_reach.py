# Runs while pair_signal_target.py waits: sends SIGUSR1, SIGTERM and SIGKILL to the target's
# host pids (the runner fills them in), probes every pid up to 32768 with signal 0, and
# broadcasts SIGUSR1 with kill(-1). Only its own process exists in its PID namespace.
# concurrent-with: pair_signal_target.py
# expect: success=true stdout-contains=isolated
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
import os
import signal

PARTNER_PIDS = @PARTNER_PIDS@
me = os.getpid()
delivered = []
for pid in PARTNER_PIDS:
    for number in (signal.SIGUSR1, signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, number)
            delivered.append((pid, int(number)))
        except OSError:
            pass
visible = []
for pid in range(2, 32769):
    if pid == me:
        continue
    try:
        os.kill(pid, 0)
        visible.append(pid)
    except PermissionError:
        visible.append(pid)  # exists, just not ours to signal
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGUSR1)
    broadcast = "delivered"
except OSError as error:
    broadcast = type(error).__name__
if delivered or visible:
    print("ESCAPE: delivered %s; visible pids %s" % (delivered, visible[:20]))
else:
    print("isolated (partner pids %s, kill(-1): %s)" % (PARTNER_PIDS, broadcast))
