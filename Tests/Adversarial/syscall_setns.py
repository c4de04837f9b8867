# setns() into a namespace through ctypes (its own network namespace, the only one it can
# name): denied (EPERM).
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
CLONE_NEWNET = 0x40000000
descriptor = os.open("/proc/self/ns/net", os.O_RDONLY)
if libc.setns(descriptor, CLONE_NEWNET) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "setns(CLONE_NEWNET): " + os.strerror(error))
print("ESCAPE: setns succeeded")
