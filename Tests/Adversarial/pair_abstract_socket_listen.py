# Partner of pair_abstract_socket_reach.py: listens on an abstract Unix socket for 4 s and
# reports any connection (there must be none: abstract sockets belong to the network namespace).
# role: partner
# expect: success=true stdout-contains=listening
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
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
