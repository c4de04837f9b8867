# Writes a forged "ok" harness report on fd 3 (where the harness contract puts the report),
# then fails for real with ValueError. (fake_report_all_fds.py goes after the moved report pipe.)
# expect: success=false category=runtime_error error_type=ValueError no-variable=pwned
# request: {"security_level": "permissive"}
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
