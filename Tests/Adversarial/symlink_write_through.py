# A symlink in the work directory pointing at /etc, and a write through it: the link is
# resolved in the sandbox's view, where /etc is read-only.
# expect: category=security_error violation=file_write
# request: {"security_level": "permissive"}
# sentinel: /etc/warden-adversarial-sentinel-@TOKEN@
import os

os.symlink("/etc", "etc-link")
with open("etc-link/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("ESCAPE")
print("ESCAPE: wrote into /etc through a symlink")
