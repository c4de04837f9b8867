# Runs while pair_dev_shm_create.py holds /dev/shm/warden-adversarial-<token> and the shared
# memory segment warden-adversarial-shm-<token>: tries to open either for 2.5 s.
# concurrent-with: pair_dev_shm_create.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
import time
from multiprocessing import shared_memory

found = []
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not found:
    try:
        with open("/dev/shm/warden-adversarial-@TOKEN@", "rb") as handle:
            found.append("file: %r" % handle.read(64))
    except OSError:
        pass
    try:
        segment = shared_memory.SharedMemory(name="warden-adversarial-shm-@TOKEN@")
        found.append("segment: %r" % bytes(segment.buf[:24]))
        segment.close()
    except Exception:
        pass
    time.sleep(0.1)
if found:
    print("ESCAPE: reached the other execution's shared memory: %s" % found)
else:
    print("isolated")
