# Reads /etc/shadow. It is not in the sandbox: FileNotFoundError; its content never shows.
# expect: category=runtime_error error_type=FileNotFoundError stdout-not-contains=root:
# request: {"security_level": "permissive"}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
with open("/etc/shadow", "rb") as handle:
    secret = handle.read()
print("ESCAPE: read /etc/shadow (%d bytes)" % len(secret))
