# Partner of pair_signal_reach.py: catches every catchable signal for 4 s and reports any that
# arrives (the reacher sends SIGUSR1/SIGTERM/SIGKILL at this execution's host pids). A SIGKILL
# that got through would end it by a signal instead of succeeding.
# role: partner
# expect: success=true stdout-contains="target ready" stdout-contains="received none"
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
