# Fork bomb through multiprocessing.Process: start processes until something stops it.
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
import multiprocessing
import time


def hold():
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(0.2)


context = multiprocessing.get_context("fork")
started = []
for attempt in range(10000):
    process = context.Process(target=hold, daemon=True)
    process.start()  # os.fork() inside raises BlockingIOError at the limit
    started.append(process)
print("ESCAPE: started 10000 processes without hitting a limit")
