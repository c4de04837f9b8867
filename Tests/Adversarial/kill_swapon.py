# swapon through syscall(2) with arguments that would do nothing even if it ran (a path that does not exist).
# No sandboxed program has a reason to make it: seccomp kills the process (SIGSYS).
# expect: category=security_error violation=syscall signal=SIGSYS
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
libc.syscall.restype = ctypes.c_long
number = {"x86_64": 167, "aarch64": 224}[os.uname().machine]
result = libc.syscall(ctypes.c_long(number), b"/nonexistent-warden-adversarial", ctypes.c_long(0))
error = ctypes.get_errno()
print("not killed: swapon returned %d (errno %d, %s)" % (result, error, os.strerror(error)))
