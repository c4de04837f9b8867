# Partner of pair_file_lock_reach.py: takes an exclusive flock and an fcntl lock on
# /tmp/warden-adversarial-lock-<token> (its own work directory, in the sandbox), holds 4 s.
# role: partner
# expect: success=true stdout-contains=locked
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# sentinel: /tmp/warden-adversarial-lock-@TOKEN@
import fcntl
import os
import time

descriptor = os.open("/tmp/warden-adversarial-lock-@TOKEN@", os.O_RDWR | os.O_CREAT, 0o666)
fcntl.flock(descriptor, fcntl.LOCK_EX)
fcntl.lockf(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(4)
