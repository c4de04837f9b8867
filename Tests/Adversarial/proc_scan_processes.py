# Walks /proc for every other process: their environ, cmdline, cwd, root, status. Only the
# worker itself may be visible; the daemon's environment (with the runner's canary) must not.
# expect: success=true stdout-contains=visible-pids=1
# request: {"security_level": "permissive"}
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
