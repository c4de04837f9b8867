# An IPv4 TCP socket without the network capability: refused at socket() (seccomp EPERM).
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import socket

connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
connection.settimeout(2)
connection.connect(("1.1.1.1", 80))
print("ESCAPE: connected to 1.1.1.1:80")
