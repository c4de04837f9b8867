# Partner of pair_files_peek.py: keeps a secret file in its work directory (and in its
# environment-free memory) for 4 s.
# role: partner
# expect: success=true stdout-contains=holding
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import os
import time

with open("secret.txt", "w") as handle:
    handle.write("secret-" + "of-@TOKEN@")
print("holding in %s" % os.getcwd(), flush=True)
time.sleep(4)
