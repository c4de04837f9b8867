# SIGKILL to itself and to its process group. As its namespace's init the worker may be immune
# to its own SIGKILL; either way the script's own doing: a runtime error, never a crash of the
# daemon or a security verdict.
# expect: success=false category=runtime_error
# request: {"security_level": "permissive"}
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
# killpg(0) reaches every member of the process group, also members outside the PID namespace
# (the group is not namespaced). Only send it when the worker leads a group of its own.
if os.getpgrp() != os.getpid():
    print("ESCAPE: the worker shares process group %d with processes outside its namespace" % os.getpgrp())
    raise SystemExit(0)
os.killpg(0, signal.SIGKILL)
raise SystemExit(9)
