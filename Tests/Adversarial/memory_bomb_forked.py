# Memory bomb spread over four processes: each holds 90 MB (under its own address-space
# limit), 360 MB in all under a 100 MB memory limit. Only an accounting of the execution as a
# whole (the cgroup) stops it; whoever is killed, the execution went over its memory limit.
# expect: category=memory_error
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15, "memory_mb": 100, "max_processes": 8}}
import os
import time

CHUNK = 90 << 20


def hold(seconds):
    block = bytearray(CHUNK)
    for offset in range(0, CHUNK, 4096):
        block[offset] = 1  # touch every page
    time.sleep(seconds)
    return block


children = []
for index in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            hold(3)
        finally:
            os._exit(0)
    children.append(pid)
mine = hold(3.5)
killed = []
for pid in children:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        killed.append(os.WTERMSIG(status))
if not killed:
    print("ESCAPE: four processes held 360 MB under a 100 MB limit")
print("children killed by signals %s" % killed)
