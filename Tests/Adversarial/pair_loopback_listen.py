# Partner of pair_loopback_reach.py: tries to listen on 127.0.0.1 and ::1 at a port derived
# from the token for 4 s (without the network capability it may not even get a socket).
# role: partner
# expect: success=true stdout-contains=ready
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
servers = []
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    try:
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((host, PORT))
        server.listen(8)
        server.settimeout(0.05)
        servers.append(server)
        print("listening on %s" % host)
    except OSError as error:
        print("%s: %s" % (host, type(error).__name__))
print("ready", flush=True)
accepted = 0
deadline = time.monotonic() + 4
while time.monotonic() < deadline:
    if not servers:
        time.sleep(0.1)
    for server in servers:
        try:
            connection, _ = server.accept()
            accepted += 1
            connection.close()
        except OSError:
            pass
if accepted:
    print("ESCAPE: another execution connected %d times" % accepted)
