# Runs while pair_abstract_socket_listen.py listens on "\0warden-adversarial-<token>": tries to
# connect to it for 2.5 s. First proves abstract sockets work inside one execution.
# concurrent-with: pair_abstract_socket_listen.py
# expect: success=true stdout-contains="self-check ok" stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import socket
import time

own = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
own.bind("\0warden-adversarial-self-@TOKEN@")
own.listen(1)
probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
probe.connect("\0warden-adversarial-self-@TOKEN@")
probe.close()
own.close()
print("self-check ok")
reached = False
last = None
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not reached:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect("\0warden-adversarial-@TOKEN@")
        reached = True
    except OSError as error:
        last = type(error).__name__
        time.sleep(0.1)
    finally:
        client.close()
if reached:
    print("ESCAPE: connected to the other execution's abstract socket")
else:
    print("isolated (%s)" % last)
