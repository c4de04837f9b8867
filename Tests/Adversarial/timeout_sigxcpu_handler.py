# Under a 1 s CPU limit, replaces the SIGXCPU handler with one that ignores the soft limit,
# then keeps burning CPU: the hard limit or the supervisor must end it as a CPU timeout.
# expect: category=timeout_error limit_kind=cpu max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "cpu_seconds": 1}}
import signal
import time

signal.signal(signal.SIGXCPU, lambda number, frame: None)
signal.signal(signal.SIGUSR2, lambda number, frame: None)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    pass
print("ESCAPE: burned 60 s of CPU under a 1 s CPU limit")
