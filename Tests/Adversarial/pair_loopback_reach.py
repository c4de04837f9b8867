# Runs while pair_loopback_listen.py listens on 127.0.0.1/::1 at the token's port: tries to
# connect for 2.5 s. Separate network namespaces (and no network capability) keep them apart.
# concurrent-with: pair_loopback_listen.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import socket
import time

PORT = 20000 + int("@TOKEN@"[:4], 16) % 20000
reached = []
errors = set()
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not reached:
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            client = socket.socket(family, socket.SOCK_STREAM)
        except OSError as error:
            errors.add(type(error).__name__)
            continue
        try:
            client.settimeout(0.2)
            client.connect((host, PORT))
            reached.append(host)
        except OSError as error:
            errors.add(type(error).__name__)
        finally:
            client.close()
    time.sleep(0.1)
if reached:
    print("ESCAPE: connected to the other execution on %s" % reached)
else:
    print("isolated (%s)" % ", ".join(sorted(errors)))
