# A netlink route socket (talks to the kernel's network configuration).
# expect: category=security_error violation=network_access
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import socket

link = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
link.bind((0, 0))
print("ESCAPE: opened a netlink socket")
