# Runs while pair_signal_target.py waits: sends SIGUSR1, SIGTERM and SIGKILL to the target's
# host pids (the runner fills them in), probes every pid up to 32768 with signal 0, and
# broadcasts SIGUSR1 with kill(-1). Only its own process exists in its PID namespace.
# concurrent-with: pair_signal_target.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
