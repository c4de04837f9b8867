# Ignores every catchable signal, then loops: the timeout must still end it.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
import signal
import time

for number in range(1, signal.NSIG):
    if number in (signal.SIGKILL, signal.SIGSTOP):
        continue
    try:
        signal.signal(number, signal.SIG_IGN)
    except (OSError, ValueError, RuntimeError):
        pass
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    pass
print("ESCAPE: survived 60 s with every signal ignored")
