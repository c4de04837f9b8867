# kill(-1, SIGKILL): "every process I may signal". Inside its own PID namespace that is nobody
# but itself (process 1 is exempt), so it fails with ESRCH; the daemon and everything else on
# the host must be untouched (the runner checks the daemon answers and runs again).
# expect: success=false category=runtime_error
# request: {"security_level": "permissive"}
import os
import signal

os.kill(-1, signal.SIGKILL)
raise SystemExit(9)  # reached when the signal was ignored: still a failure of the script's own making
