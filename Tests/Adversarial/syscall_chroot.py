# chroot() into the work directory through ctypes (the first step of the classic chroot
# escape): denied (EPERM).
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
if libc.chroot(os.getcwd().encode()) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "chroot: " + os.strerror(error))
print("ESCAPE: chroot succeeded")
