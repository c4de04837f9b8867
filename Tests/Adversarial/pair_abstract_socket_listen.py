# Partner of pair_abstract_socket_reach.py: listens on an abstract Unix socket for 4 s and
# reports any connection (there must be none: abstract sockets belong to the network namespace).
# role: partner
# expect: success=true stdout-contains=listening
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

server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind("\0warden-adversarial-@TOKEN@")
server.listen(8)
server.settimeout(0.1)
print("listening", flush=True)
accepted = 0
deadline = time.monotonic() + 4
while time.monotonic() < deadline:
    try:
        connection, _ = server.accept()
        accepted += 1
        connection.close()
    except socket.timeout:
        pass
if accepted:
    print("ESCAPE: another execution connected %d times" % accepted)
