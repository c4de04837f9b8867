# Finds every pipe it holds besides stdout/stderr (the report pipe among them), writes a
# forged "ok" report with forged variables to each, then exits with status 3 without letting
# the harness report. The kernel's exit status must win over the forged claim.
# expect: success=false category=runtime_error exit_code=3 no-variable=pwned
# request: {"security_level": "permissive"}
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
