# Output flood: 200 MB of lines on stdout. Dropped beyond max_output_bytes and flagged; the
# run itself goes on and succeeds.
# expect: success=true stdout_truncated=true max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import sys

line = "flood " * 170 + "\n"  # about 1 KB
block = line * 1024  # about 1 MB
for _ in range(200):
    sys.stdout.write(block)
sys.stdout.flush()
