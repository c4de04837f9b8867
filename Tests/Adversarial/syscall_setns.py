# setns() into a namespace through ctypes (its own network namespace, the only one it can
# name): denied (EPERM).
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
descriptor = os.open("/proc/self/ns/net", os.O_RDONLY)
if libc.setns(descriptor, CLONE_NEWNET) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "setns(CLONE_NEWNET): " + os.strerror(error))
print("ESCAPE: setns succeeded")
