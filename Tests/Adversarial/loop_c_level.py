# Endless loop inside C (sum over itertools.repeat, about 60 s of work): no bytecode boundary,
# so no Python signal handler ever runs; only the supervisor's kill can end it.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os
if _guard_os.getpid() != 1 or _guard_os.getuid() == 0 or _guard_os.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
import itertools

total = sum(itertools.repeat(1, 3 * 10**10))
print("ESCAPE: a 60 s C loop finished under a 2 s timeout")
