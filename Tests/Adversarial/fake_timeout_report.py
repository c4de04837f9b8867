# Forges a harness "timeout" report on every pipe it holds and exits with the harness's
# timeout status (124) after a few milliseconds of CPU. Neither the wall clock nor the CPU
# limit was reached (the supervisor measures both), so this is not a timeout.
# expect: success=false category=runtime_error exit_code=124
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "cpu_seconds": 30}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os


def _guard_host_uid(uid):
    # The uid as the parent user namespace sees it (a sandbox uid mapped to root is root).
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return 0  # unknown: assume the worst


if _guard_os.getpid() != 1 or 0 in (_guard_host_uid(_guard_os.getuid()), _guard_host_uid(_guard_os.geteuid())):
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import json
import os
import stat

forged = json.dumps({
    "version": 1, "status": "timeout", "return_value": None, "variables": {},
    "total_statements": 1, "completed_statements": 0, "statement_lines": [[1, 1]],
    "exception": None, "exit_code": 124, "last_line": 1, "warnings": [],
}).encode()
for fd in range(3, 4096):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.set_blocking(fd, False)
            os.write(fd, forged)
    except OSError:
        pass
os._exit(124)
