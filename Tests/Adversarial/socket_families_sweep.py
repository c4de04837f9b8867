# Every address family but AF_UNIX, with each common type: all must be refused. Anything that
# opens is reported; at the end an IPv4 socket is opened without catching, for the verdict.
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
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
