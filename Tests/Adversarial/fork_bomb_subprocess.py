# Process bomb through subprocess with the default process limit (1): the first fork of
# subprocess must already fail with EAGAIN.
# expect: category=resource_error resource=processes
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import subprocess

children = []
for attempt in range(10000):
    children.append(subprocess.Popen(["/bin/sleep", "20"]))
print("ESCAPE: started 10000 subprocesses without hitting a limit")
