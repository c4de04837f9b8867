# Sweeps places where host secrets live; each read must fail. Prints only what happened,
# never content (a broken sandbox must not leak host secrets into the test log).
# expect: success=true stdout-contains=readable=0
# request: {"security_level": "permissive"}
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
