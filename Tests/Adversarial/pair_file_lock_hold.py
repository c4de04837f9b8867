# Partner of pair_file_lock_reach.py: takes an exclusive flock and an fcntl lock on
# /tmp/warden-adversarial-lock-<token> (its own work directory, in the sandbox), holds 4 s.
# role: partner
# expect: success=true stdout-contains=locked
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# sentinel: /tmp/warden-adversarial-lock-@TOKEN@
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
import fcntl
import os
import time

descriptor = os.open("/tmp/warden-adversarial-lock-@TOKEN@", os.O_RDWR | os.O_CREAT, 0o666)
fcntl.flock(descriptor, fcntl.LOCK_EX)
fcntl.lockf(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(4)
