# Device nodes a sandbox must not reach (memory, disks, the kernel log, consoles, tun, kvm,
# fuse) are opened for reading, and a /dev/mem twin is made with mknod in the work directory.
# Opening is all it does, never a read; every attempt must fail.
# expect: success=true stdout-contains=all-refused
# request: {"security_level": "permissive"}
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
