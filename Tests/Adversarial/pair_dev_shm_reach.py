# Runs while pair_dev_shm_create.py holds /dev/shm/warden-adversarial-<token> and the shared
# memory segment warden-adversarial-shm-<token>: tries to open either for 2.5 s.
# concurrent-with: pair_dev_shm_create.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
