# Forks a child in its own session that ignores SIGTERM/SIGHUP and spins, while the parent
# spins too: at the timeout both must be gone (the runner checks no process remains).
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2, "max_processes": 4}}
import os
import signal
import time

pid = os.fork()
if pid == 0:
    try:
        os.setsid()
        for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGUSR1", "SIGUSR2"):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        try:
            with open("/proc/self/comm", "w") as handle:
                handle.write("wadv-@TOKEN@")
        except OSError:
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pass
    finally:
        os._exit(0)
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    pass
print("ESCAPE: parent survived 20 s past a 2 s timeout")
