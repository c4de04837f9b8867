# Thread bomb: threads count against the process limit too.
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
import threading
import time

stop = time.monotonic() + 20


def hold():
    while time.monotonic() < stop:
        time.sleep(0.2)


for attempt in range(10000):
    threading.Thread(target=hold, daemon=True).start()  # RuntimeError: can't start new thread
print("ESCAPE: started 10000 threads without hitting a limit")
