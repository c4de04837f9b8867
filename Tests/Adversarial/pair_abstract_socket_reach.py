# Runs while pair_abstract_socket_listen.py listens on "\0warden-adversarial-<token>": tries to
# connect to it for 2.5 s. First proves abstract sockets work inside one execution.
# concurrent-with: pair_abstract_socket_listen.py
# expect: success=true stdout-contains="self-check ok" stdout-contains=isolated
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

own = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
own.bind("\0warden-adversarial-self-@TOKEN@")
own.listen(1)
probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
probe.connect("\0warden-adversarial-self-@TOKEN@")
probe.close()
own.close()
print("self-check ok")
reached = False
last = None
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not reached:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect("\0warden-adversarial-@TOKEN@")
        reached = True
    except OSError as error:
        last = type(error).__name__
        time.sleep(0.1)
    finally:
        client.close()
if reached:
    print("ESCAPE: connected to the other execution's abstract socket")
else:
    print("isolated (%s)" % last)
