# SIGKILL to the daemon and to the test runner by their host pids: neither exists in the
# worker's PID namespace (ProcessLookupError).
# expect: success=false category=runtime_error error_type=ProcessLookupError
# request: {"security_level": "permissive"}
import os
import signal

for pid in (@DAEMON_PID@, @RUNNER_PID@):
    if pid > 1:
        os.kill(pid, signal.SIGKILL)
print("ESCAPE: signalled the daemon and the runner")
