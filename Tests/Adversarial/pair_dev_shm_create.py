# Partner of pair_dev_shm_reach.py: creates a file in /dev/shm and a POSIX shared memory
# segment (shm_open) with a secret, holds them 4 s, removes them. Either may be refused.
# role: partner
# expect: success=true stdout-contains=holding
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# sentinel: /dev/shm/warden-adversarial-@TOKEN@
# sentinel: /dev/shm/warden-adversarial-shm-@TOKEN@
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
import os
import time
from multiprocessing import shared_memory

secret = b"secret-of-@TOKEN@"
made = []
try:
    with open("/dev/shm/warden-adversarial-@TOKEN@", "wb") as handle:
        handle.write(secret)
    made.append("file")
except OSError as error:
    print("file refused: %s" % type(error).__name__)
segment = None
try:
    segment = shared_memory.SharedMemory(name="warden-adversarial-shm-@TOKEN@", create=True, size=64)
    segment.buf[: len(secret)] = secret
    made.append("segment")
except Exception as error:
    print("segment refused: %s" % type(error).__name__)
print("holding %s" % made, flush=True)
time.sleep(4)
if segment is not None:
    segment.close()
    segment.unlink()
if "file" in made:
    os.unlink("/dev/shm/warden-adversarial-@TOKEN@")
