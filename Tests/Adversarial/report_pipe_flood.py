# Floods every extra pipe it holds (the report pipe among them) with 100 MB of garbage, then
# fails for real. The supervisor must keep draining, bound what it keeps, and still answer.
# expect: success=false category=runtime_error max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
import os
import stat

block = b"{\"status\": \"ok\", " * 65536  # about 1 MB of almost-JSON
targets = []
for fd in range(3, 4096):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            targets.append(fd)
    except OSError:
        pass
for fd in targets:
    for _ in range(100):
        view = memoryview(block)
        while view:
            view = view[os.write(fd, view):]
raise ValueError("the real failure after %d flooded descriptors" % len(targets))
