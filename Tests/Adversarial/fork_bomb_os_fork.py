# Fork bomb with os.fork: every process keeps forking. The process limit must stop it with
# EAGAIN in the worker itself (children that hit the limit just sleep, they never report).
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
import os
import time

def child_life():
    # A child forks once more (the bomb grows in every process), then holds its slot for a while.
    try:
        if os.fork() == 0:
            hold()
    except OSError:
        pass
    hold()


def hold():
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os._exit(0)


# At most 5,000 forks here and one more in each child: 10,000 in all.
for attempt in range(5000):
    pid = os.fork()  # raises BlockingIOError (EAGAIN) once the limit is reached
    if pid == 0:
        child_life()
print("ESCAPE: forked 10000 processes without hitting a limit")
