# Runs while pair_loopback_listen.py listens on 127.0.0.1/::1 at the token's port: tries to
# connect for 2.5 s. Separate network namespaces (and no network capability) keep them apart.
# concurrent-with: pair_loopback_listen.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os


def _guard_host_uid(uid):
    # The uid as the parent user namespace sees it (a sandbox uid mapped to root is root).
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return 0  # unknown: assume the worst


if _guard_os.getpid() != 1 or 0 in (_guard_host_uid(_guard_os.getuid()), _guard_host_uid(_guard_os.geteuid())):
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
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
