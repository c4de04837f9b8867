# Endless loop inside C (sum over itertools.repeat, about 60 s of work): no bytecode boundary,
# so no Python signal handler ever runs; only the supervisor's kill can end it.
# expect: category=timeout_error limit_kind=wall max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 2}}
import itertools

total = sum(itertools.repeat(1, 3 * 10**10))
print("ESCAPE: a 60 s C loop finished under a 2 s timeout")
