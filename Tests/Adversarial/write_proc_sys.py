# Kernel settings and triggers that rule the whole host: /proc/sys/kernel/core_pattern (the
# classic container escape), /proc/sysrq-trigger, /proc/sys/vm/drop_caches, a cgroup
# release_agent. Opened for writing only (core_pattern would get its own value back, sysrq an
# empty write), so nothing changes even if one opens; every one must be refused.
# expect: category=security_error violation=file_write stdout-contains=all-refused
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
