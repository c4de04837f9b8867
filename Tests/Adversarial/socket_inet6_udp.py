# An IPv6 UDP socket without the network capability.
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import socket

datagram = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
datagram.sendto(b"warden", ("2606:4700:4700::1111", 53))
print("ESCAPE: sent a UDP datagram over IPv6")
