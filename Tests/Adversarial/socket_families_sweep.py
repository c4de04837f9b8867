# Every address family but AF_UNIX, with each common type: all must be refused. Anything that
# opens is reported; at the end an IPv4 socket is opened without catching, for the verdict.
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
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

opened = []
for family in range(0, 64):
    if family == socket.AF_UNIX:
        continue
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW, socket.SOCK_SEQPACKET):
        try:
            handle = socket.socket(family, kind)
        except OSError:
            continue
        opened.append((family, kind))
        handle.close()
if opened:
    print("ESCAPE: sockets opened: %s" % opened)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("ESCAPE: opened an IPv4 socket")
