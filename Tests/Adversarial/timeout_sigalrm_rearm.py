# A SIGALRM handler that re-arms itself and raises, plus a loop that swallows whatever the
# handlers raise: tries to keep control of the process past the limit.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
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
