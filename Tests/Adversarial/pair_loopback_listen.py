# Partner of pair_loopback_reach.py: tries to listen on 127.0.0.1 and ::1 at a port derived
# from the token for 4 s (without the network capability it may not even get a socket).
# role: partner
# expect: success=true stdout-contains=ready
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
