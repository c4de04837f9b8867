# Runs while pair_sysv_ipc_create.py holds a message queue, a shared memory segment and a
# semaphore set under the token's key: tries to open each for 2.5 s. Also proves SysV IPC
# works inside one execution.
# concurrent-with: pair_sysv_ipc_create.py
# expect: success=true stdout-contains="self-check ok" stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os


def _guard_host_uid(uid):
    # The uid as the parent user namespace sees it (a sandbox uid mapped to root is root).
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return 0  # unknown: assume the worst


if _guard_os.getpid() != 1 or 0 in (_guard_host_uid(_guard_os.getuid()), _guard_host_uid(_guard_os.geteuid())):
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
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
