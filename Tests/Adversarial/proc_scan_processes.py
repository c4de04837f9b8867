# Walks /proc for every other process: their environ, cmdline, cwd, root, status. Only the
# worker itself may be visible; the daemon's environment (with the runner's canary) must not.
# expect: success=true stdout-contains=visible-pids=1
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

me = os.getpid()
pids = sorted(int(entry) for entry in os.listdir("/proc") if entry.isdigit())
leaks = []
for pid in pids:
    for leaf in ("environ", "cmdline"):
        try:
            with open("/proc/%d/%s" % (pid, leaf), "rb") as handle:
                if b"WARDEN_ADVERSARIAL_CANARY" in handle.read():
                    leaks.append("/proc/%d/%s" % (pid, leaf))
        except OSError:
            pass
    if pid != me:
        for leaf in ("cwd", "root", "exe"):
            try:
                leaks.append("/proc/%d/%s -> %s" % (pid, leaf, os.readlink("/proc/%d/%s" % (pid, leaf))))
            except OSError:
                pass
others = [pid for pid in pids if pid != me]
if others:
    print("ESCAPE: other processes are visible: %s" % others[:20])
if leaks:
    print("ESCAPE: %s" % leaks[:20])
print("visible-pids=%d" % len(pids))
