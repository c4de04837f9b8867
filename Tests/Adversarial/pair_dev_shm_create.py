# Partner of pair_dev_shm_reach.py: creates a file in /dev/shm and a POSIX shared memory
# segment (shm_open) with a secret, holds them 4 s, removes them. Either may be refused.
# role: partner
# expect: success=true stdout-contains=holding
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# sentinel: /dev/shm/warden-adversarial-@TOKEN@
# sentinel: /dev/shm/warden-adversarial-shm-@TOKEN@
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
