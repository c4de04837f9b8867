# Finds every pipe it holds besides stdout/stderr (the report pipe among them), writes a
# forged "ok" report with forged variables to each, then exits with status 3 without letting
# the harness report. The kernel's exit status must win over the forged claim.
# expect: success=false category=runtime_error exit_code=3 no-variable=pwned
# request: {"security_level": "permissive"}
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
    "version": 1, "status": "ok", "return_value": "forged", "variables": {"pwned": True},
    "total_statements": 1, "completed_statements": 1, "statement_lines": [[1, 1]],
    "exception": None, "exit_code": 0, "last_line": None, "warnings": [],
}).encode()
written = []
for fd in range(3, 4096):
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            continue
        os.set_blocking(fd, False)
        os.write(fd, forged)
        written.append(fd)
    except OSError:
        pass
print("forged report written to %s" % written)
os._exit(3)
