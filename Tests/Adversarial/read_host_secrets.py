# Sweeps places where host secrets live; each read must fail. Prints only what happened,
# never content (a broken sandbox must not leak host secrets into the test log).
# expect: success=true stdout-contains=readable=0
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
import glob
import os

candidates = [
    "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/machine-id",
    "/root/.bash_history", "/root/.ssh/id_rsa", "/root/.ssh/authorized_keys", "/var/log/auth.log",
    "/var/log/syslog", "/var/lib/dbus/machine-id", "/proc/kcore", "/proc/kallsyms",
    "/sys/kernel/security", "/sys/firmware/dmi/tables/DMI", "/home",
    "@STATE_DIR@/warden-adversarial-canary",
]
candidates += glob.glob("/etc/ssh/ssh_host_*_key") + glob.glob("/home/*/.ssh/*")
readable = []
for path in candidates:
    try:
        if os.path.isdir(path):
            entries = os.listdir(path)
            if entries:
                readable.append("%s (%d entries)" % (path, len(entries)))
            continue
        with open(path, "rb") as handle:
            data = handle.read(4096)
        if path == "/proc/kallsyms" and data.startswith(b"0000000000000000"):
            continue  # addresses hidden: nothing leaks
        if data:
            readable.append("%s (%d bytes)" % (path, len(data)))
    except OSError:
        pass
if readable:
    print("ESCAPE: readable: %s" % ", ".join(readable))
print("readable=%d" % len(readable))
