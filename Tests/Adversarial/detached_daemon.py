# The classic daemon: fork, setsid, fork again, ignore the usual signals, close every
# descriptor, rename itself (the runner looks for that name), and live 20 s. The parent exits
# cleanly at once. The execution succeeds, and no process of it may remain afterwards.
# expect: success=true stdout-contains=parent-done max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
import os
import signal
import time

pid = os.fork()
if pid == 0:
    try:
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        try:
            with open("/proc/self/comm", "w") as handle:
                handle.write("wadv-@TOKEN@")
        except OSError:
            pass
        for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGUSR1", "SIGUSR2", "SIGPIPE", "SIGALRM"):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os._exit(0)
os.waitpid(pid, 0)
time.sleep(0.3)  # let the grandchild detach and rename itself
print("parent-done")
