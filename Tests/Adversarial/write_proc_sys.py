# Kernel settings and triggers that rule the whole host: /proc/sys/kernel/core_pattern (the
# classic container escape), /proc/sysrq-trigger, /proc/sys/vm/drop_caches, a cgroup
# release_agent. Opened for writing only (core_pattern would get its own value back, sysrq an
# empty write), so nothing changes even if one opens; every one must be refused.
# expect: category=security_error violation=file_write stdout-contains=all-refused
# request: {"security_level": "permissive"}
import glob
import os

targets = ["/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger", "/proc/sys/vm/drop_caches",
           "/proc/sys/kernel/modprobe", "/proc/sys/fs/binfmt_misc/register"]
targets += glob.glob("/sys/fs/cgroup/*/release_agent") + ["/sys/kernel/uevent_helper"]
opened = []
for path in targets:
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except OSError:
        continue
    opened.append(path)
    os.close(descriptor)
if opened:
    print("ESCAPE: opened for writing: %s" % opened)
else:
    print("all-refused")
with open("/proc/sys/kernel/core_pattern", "r+") as handle:
    handle.write(handle.read())
print("ESCAPE: rewrote /proc/sys/kernel/core_pattern")
