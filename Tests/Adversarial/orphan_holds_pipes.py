# Leaves a child behind that keeps stdout, stderr and the report pipe open for 20 s. The
# execution ended when the worker did: the answer must not wait for the child's pipes, and
# the child must not survive.
# expect: success=true stdout-contains=parent-done max-seconds=5
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15, "max_processes": 4}}
import os
import time

if os.fork() == 0:
    try:
        try:
            with open("/proc/self/comm", "w") as handle:
                handle.write("wadv-@TOKEN@")
        except OSError:
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os._exit(0)
print("parent-done", flush=True)
