# Catches BaseException (SystemExit, KeyboardInterrupt, the harness's own exceptions) and goes
# on looping; also installs Python handlers for the usual timeout signals that just return.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
import signal
import time

for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU", "SIGVTALRM", "SIGPROF"):
    try:
        signal.signal(getattr(signal, name), lambda number, frame: None)
    except (OSError, ValueError, RuntimeError):
        pass
deadline = time.monotonic() + 60
caught = 0
while time.monotonic() < deadline:
    try:
        while time.monotonic() < deadline:
            pass
    except BaseException:
        caught += 1
print("ESCAPE: survived 60 s, caught %d exceptions" % caught)
