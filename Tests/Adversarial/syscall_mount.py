# mount() of a tmpfs over a directory of the work directory through ctypes: denied (EPERM),
# even though a user namespace would otherwise allow it.
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
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
import os

libc = ctypes.CDLL(None, use_errno=True)
target = os.path.join(os.getcwd(), "mountpoint")
os.mkdir(target)
if libc.mount(b"none", target.encode(), b"tmpfs", 0, None) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "mount(tmpfs): " + os.strerror(error))
print("ESCAPE: mounted a tmpfs at %s" % target)
libc.umount2(target.encode(), 2)
