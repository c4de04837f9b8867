# unshare(CLONE_NEWUSER) through ctypes: a nested user namespace would give back capabilities
# inside it and a large kernel surface. Denied (EPERM).
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER = 0x10000000
if libc.unshare(CLONE_NEWUSER) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "unshare(CLONE_NEWUSER): " + os.strerror(error))
print("ESCAPE: unshare(CLONE_NEWUSER) succeeded")
