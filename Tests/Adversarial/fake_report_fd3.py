# Writes a forged "ok" harness report on fd 3 (where the harness contract puts the report),
# then fails for real with ValueError. (fake_report_all_fds.py goes after the moved report pipe.)
# expect: success=false category=runtime_error error_type=ValueError no-variable=pwned
# request: {"security_level": "permissive"}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import json
import os

forged = json.dumps({
    "version": 1, "status": "ok", "return_value": None, "variables": {"pwned": True},
    "total_statements": 1, "completed_statements": 1, "statement_lines": [[1, 1]],
    "exception": None, "exit_code": 0, "last_line": None, "warnings": [],
}).encode()
try:
    os.write(3, forged)
    print("wrote the forged report to fd 3")
except OSError as error:
    print("fd 3: %s" % error)
raise ValueError("the real failure")
