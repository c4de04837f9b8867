# The request's `files` name paths outside the work directory ("../", absolute). The request
# is malformed: 400 naming the field, and nothing is written anywhere.
# expect: status=400
# request: {"security_level": "permissive", "files": {"../../warden-adversarial-sentinel-@TOKEN@": "x", "/tmp/warden-adversarial-abs-@TOKEN@": "x"}}
# sentinel: /tmp/warden-adversarial-abs-@TOKEN@
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
print("ESCAPE: this request should have been refused")
