# Runs while pair_file_lock_hold.py holds locks on /tmp/warden-adversarial-lock-<token>: tries
# to take the same locks without blocking for 2.5 s. If the two executions shared that file,
# the lock would be refused (EWOULDBLOCK); separate work directories make it succeed.
# concurrent-with: pair_file_lock_hold.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# sentinel: /tmp/warden-adversarial-lock-@TOKEN@
import fcntl
import os
import time

blocked = []
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not blocked:
    descriptor = os.open("/tmp/warden-adversarial-lock-@TOKEN@", os.O_RDWR | os.O_CREAT, 0o666)
    for kind, take in (("flock", fcntl.flock), ("lockf", fcntl.lockf)):
        try:
            take(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            take(descriptor, fcntl.LOCK_UN)
        except OSError as error:
            blocked.append("%s: %s" % (kind, type(error).__name__))
    os.close(descriptor)
    time.sleep(0.1)
if blocked:
    print("ESCAPE: the other execution's lock is visible: %s" % blocked)
else:
    print("isolated")
