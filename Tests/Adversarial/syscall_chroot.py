# chroot() into the work directory through ctypes (the first step of the classic chroot
# escape): denied (EPERM).
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
if libc.chroot(os.getcwd().encode()) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "chroot: " + os.strerror(error))
print("ESCAPE: chroot succeeded")
