# Reads /proc/1/environ. Inside its own PID namespace, process 1 is the worker itself: its
# own small environment, never the daemon's or the host init's (the runner checks that the
# canary it put in the daemon's environment does not appear).
# expect: success=true stdout-contains=pid1-is-self
# request: {"security_level": "permissive"}
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
import os

with open("/proc/1/environ", "rb") as handle:
    names = sorted(entry.split(b"=", 1)[0].decode() for entry in handle.read().split(b"\0") if entry)
if os.readlink("/proc/self") == "1":
    print("pid1-is-self")
print("environment names: %s" % names)
if "WARDEN_ADVERSARIAL_CANARY" in names:
    print("ESCAPE: /proc/1/environ is the daemon's")
