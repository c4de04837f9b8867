# Runs while pair_trace_target.py holds a secret: tries ptrace attach and seize, reading its
# memory (process_vm_readv, /proc/PID/mem), its environment and its maps through the target's
# host pids (the runner fills them in), and pidfd_getfd. The sibling is in another PID
# namespace, runs as another uid, and seccomp refuses the tracing calls.
# concurrent-with: pair_trace_target.py
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import ctypes
import os

PARTNER_PIDS = @PARTNER_PIDS@
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
reached = []
for pid in PARTNER_PIDS:
    if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
        reached.append("attach(%d)" % pid)
    if libc.ptrace(0x4206, pid, None, None) == 0:  # PTRACE_SEIZE
        reached.append("seize(%d)" % pid)
    buffer = ctypes.create_string_buffer(4096)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 4096)
    remote = (ctypes.c_void_p * 2)(0x400000, 4096)
    if libc.syscall(310, pid, local, 1, remote, 1, 0) > 0:  # process_vm_readv
        reached.append("process_vm_readv(%d)" % pid)
    pidfd = libc.syscall(434, pid, 0)  # pidfd_open
    if pidfd >= 0:
        reached.append("pidfd_open(%d)" % pid)
        if libc.syscall(438, pidfd, 1, 0) >= 0:  # pidfd_getfd: its stdout
            reached.append("pidfd_getfd(%d)" % pid)
    for name in ("mem", "environ", "maps"):
        try:
            with open("/proc/%d/%s" % (pid, name), "rb") as handle:
                data = handle.read(65536)
            reached.append("/proc/%d/%s%s" % (pid, name, " (secret)" if b"warden-secret" in data else ""))
        except OSError:
            pass
if reached:
    print("ESCAPE: reached the sibling: %s" % reached)
elif not PARTNER_PIDS:
    print("ESCAPE: the runner found no sibling to aim at")
else:
    print("isolated from the sibling %s" % PARTNER_PIDS)
