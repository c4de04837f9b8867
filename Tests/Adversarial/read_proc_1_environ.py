# Reads /proc/1/environ. Inside its own PID namespace, process 1 is the worker itself: its
# own small environment, never the daemon's or the host init's (the runner checks that the
# canary it put in the daemon's environment does not appear).
# expect: success=true stdout-contains=pid1-is-self
# request: {"security_level": "permissive"}
import os

with open("/proc/1/environ", "rb") as handle:
    names = sorted(entry.split(b"=", 1)[0].decode() for entry in handle.read().split(b"\0") if entry)
if os.readlink("/proc/self") == "1":
    print("pid1-is-self")
print("environment names: %s" % names)
if "WARDEN_ADVERSARIAL_CANARY" in names:
    print("ESCAPE: /proc/1/environ is the daemon's")
