# A raw packet socket (sniffing and forging frames).
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import socket

raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
print("ESCAPE: opened a raw packet socket")
