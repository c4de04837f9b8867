# Runs while pair_files_hold.py keeps secret.txt in its work directory: looks for it through
# the partner's host pids (/proc/PID/root, /proc/PID/cwd, environ, mem), through every
# visible /proc entry, and through the daemon's work root on the host.
# concurrent-with: pair_files_hold.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import glob
import os
import time

PARTNER_PIDS = @PARTNER_PIDS@
SECRET = "secret-" + "of-@TOKEN@"
candidates = []
for pid in PARTNER_PIDS:
    candidates += ["/proc/%d/root/work/secret.txt" % pid, "/proc/%d/cwd/secret.txt" % pid,
                   "/proc/%d/environ" % pid, "/proc/%d/cmdline" % pid]
found = []
deadline = time.monotonic() + 2.5
while time.monotonic() < deadline and not found:
    paths = list(candidates)
    paths += glob.glob("/proc/[0-9]*/cwd/secret.txt") + glob.glob("/proc/[0-9]*/root/work/secret.txt")
    paths += glob.glob("@STATE_DIR@/work/*/secret.txt") + glob.glob("/work/*/secret.txt")
    for path in paths:
        try:
            with open(path, "rb") as handle:
                if SECRET.encode() in handle.read(65536):
                    found.append(path)
        except OSError:
            pass
    for pid in PARTNER_PIDS:
        try:
            os.close(os.open("/proc/%d/mem" % pid, os.O_RDONLY))
            found.append("/proc/%d/mem (opened)" % pid)
        except OSError:
            pass
    time.sleep(0.1)
if found:
    print("ESCAPE: reached the other execution's files: %s" % sorted(set(found)))
else:
    print("isolated")
