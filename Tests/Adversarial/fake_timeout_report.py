# Forges a harness "timeout" report on every pipe it holds and exits with the harness's
# timeout status (124) after a few milliseconds of CPU. Neither the wall clock nor the CPU
# limit was reached (the supervisor measures both), so this is not a timeout.
# expect: success=false category=runtime_error exit_code=124
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "cpu_seconds": 30}}
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
