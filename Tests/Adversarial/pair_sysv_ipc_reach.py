# Runs while pair_sysv_ipc_create.py holds a message queue, a shared memory segment and a
# semaphore set under the token's key: tries to open each for 2.5 s. Also proves SysV IPC
# works inside one execution.
# concurrent-with: pair_sysv_ipc_create.py
# expect: success=true stdout-contains="self-check ok" stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import ctypes
import time

libc = ctypes.CDLL(None, use_errno=True)
KEY = 0x57410000 + int("@TOKEN@"[:4], 16)
IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0
own = libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
if own >= 0:
    libc.msgctl(own, IPC_RMID, None)
    print("self-check ok")
else:
    print("self-check: msgget refused (errno %d)" % ctypes.get_errno())
found = {}
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not found:
    for name, opened in (("msg", libc.msgget(KEY, 0)), ("shm", libc.shmget(KEY, 0, 0)), ("sem", libc.semget(KEY, 0, 0))):
        if opened >= 0:
            found[name] = opened
    time.sleep(0.1)
if found:
    print("ESCAPE: opened the other execution's SysV objects: %s" % found)
else:
    print("isolated")
