# Partner of pair_sysv_ipc_reach.py: creates a SysV message queue (with a message), a shared
# memory segment and a semaphore set under a key derived from the token, holds them 4 s,
# removes them. SysV IPC belongs to the IPC namespace.
# role: partner
# expect: success=true stdout-contains=holding
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import ctypes
import os
import time

libc = ctypes.CDLL(None, use_errno=True)
KEY = 0x57410000 + int("@TOKEN@"[:4], 16)
IPC_CREAT, IPC_RMID = 0o1000, 0
made = {}
queue = libc.msgget(KEY, IPC_CREAT | 0o666)
if queue >= 0:
    message = ctypes.create_string_buffer(8 + 32)
    ctypes.c_long.from_buffer(message).value = 1
    message[8:8 + 16] = b"secret-of-@TOKEN@"[:16]
    libc.msgsnd(queue, message, 16, 0o4000)  # IPC_NOWAIT
    made["msg"] = queue
segment = libc.shmget(KEY, 4096, IPC_CREAT | 0o666)
if segment >= 0:
    made["shm"] = segment
semaphores = libc.semget(KEY, 1, IPC_CREAT | 0o666)
if semaphores >= 0:
    made["sem"] = semaphores
print("holding %s" % sorted(made), flush=True)
time.sleep(4)
if "msg" in made:
    libc.msgctl(made["msg"], IPC_RMID, None)
if "shm" in made:
    libc.shmctl(made["shm"], IPC_RMID, None)
if "sem" in made:
    libc.semctl(made["sem"], 0, IPC_RMID)
