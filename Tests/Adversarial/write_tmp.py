# Writes to /tmp, which in the sandbox is the work directory: it succeeds, and nothing
# appears in the host's /tmp (the runner checks the host path).
# expect: success=true stdout-contains=wrote-tmp
# request: {"security_level": "permissive"}
# sentinel: /tmp/warden-adversarial-sentinel-@TOKEN@
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
with open("/tmp/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("inside the sandbox this is the work directory")
print("wrote-tmp")
