# Partner of pair_trace_reach.py: keeps a secret in its memory and environment for 4 s while a
# sibling execution tries to trace it and read its memory.
# role: partner
# expect: success=true stdout-contains="target ready" stdout-contains="untouched"
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import os
import time

secret = "warden-secret-@TOKEN@" * 4
os.environ["WARDEN_SECRET"] = secret
print("target ready", flush=True)
deadline = time.monotonic() + 4
while time.monotonic() < deadline:
    time.sleep(0.05)
print("untouched" if secret.startswith("warden-secret-") else "ESCAPE: memory changed")
