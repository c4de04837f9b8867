# Device nodes a sandbox must not reach (memory, disks, the kernel log, consoles, tun, kvm,
# fuse) are opened for reading, and a /dev/mem twin is made with mknod in the work directory.
# Opening is all it does, never a read; every attempt must fail.
# expect: success=true stdout-contains=all-refused
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
import stat

devices = ["/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/console", "/dev/tty", "/dev/tty0",
           "/dev/net/tun", "/dev/kvm", "/dev/fuse", "/dev/cpu/0/msr", "/dev/sg0", "/dev/loop-control"]
devices += glob.glob("/dev/sd?") + glob.glob("/dev/vd?") + glob.glob("/dev/nvme?n?") + glob.glob("/dev/xvd?")
opened = []
for path in devices:
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY))
        opened.append(path)
    except OSError:
        pass
try:
    os.mknod("mem-twin", stat.S_IFCHR | 0o600, os.makedev(1, 1))
    try:
        os.close(os.open("mem-twin", os.O_RDONLY))
        opened.append("mknod mem-twin (opened)")
    except OSError:
        opened.append("mknod mem-twin (created, not opened)")
except OSError:
    pass
if opened:
    print("ESCAPE: %s" % opened)
else:
    print("all-refused")
