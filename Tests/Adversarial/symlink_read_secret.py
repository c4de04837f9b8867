# Symlinks in the work directory to /etc/shadow and to the daemon's state directory, read
# through them: neither target exists in the sandbox.
# expect: category=runtime_error error_type=FileNotFoundError
# request: {"security_level": "permissive"}
import os

os.symlink("/etc/shadow", "shadow")
os.symlink("@STATE_DIR@", "state")
for name in ("state", "shadow"):
    if os.path.isdir(name):
        print("ESCAPE: the state directory is visible: %d entries" % len(os.listdir(name)))
with open("shadow", "rb") as handle:
    secret = handle.read()
print("ESCAPE: read /etc/shadow through a symlink (%d bytes)" % len(secret))
