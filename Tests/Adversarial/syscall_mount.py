# mount() of a tmpfs over a directory of the work directory through ctypes: denied (EPERM),
# even though a user namespace would otherwise allow it.
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
target = os.path.join(os.getcwd(), "mountpoint")
os.mkdir(target)
if libc.mount(b"none", target.encode(), b"tmpfs", 0, None) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "mount(tmpfs): " + os.strerror(error))
print("ESCAPE: mounted a tmpfs at %s" % target)
libc.umount2(target.encode(), 2)
