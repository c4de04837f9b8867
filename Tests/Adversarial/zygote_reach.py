# Aims at the zygote that forked this worker (the runner fills in its host pids): signals
# (SIGUSR1, SIGTERM, SIGKILL and the probe 0), ptrace attach, process_vm_readv, pidfd_open,
# and its /proc files (mem, environ, maps). The zygote lives outside this worker's PID
# namespace and runs as another uid; seccomp refuses the tracing calls anyway. The runner also
# checks that the zygote is still alive afterwards.
# expect: success=true stdout-contains=isolated
# request: {"security_level": "permissive"}
import ctypes
import os
import signal

ZYGOTE_PIDS = @ZYGOTE_PIDS@
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
reached = []
for pid in ZYGOTE_PIDS:
    for number in (0, signal.SIGUSR1, signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, number)
            reached.append("kill(%d, %d)" % (pid, number))
        except OSError:
            pass
    if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
        reached.append("ptrace(%d)" % pid)
    buffer = ctypes.create_string_buffer(64)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 64)
    remote = (ctypes.c_void_p * 2)(0x400000, 64)
    if libc.syscall(310, pid, local, 1, remote, 1, 0) > 0:  # process_vm_readv
        reached.append("process_vm_readv(%d)" % pid)
    descriptor = libc.syscall(434, pid, 0)  # pidfd_open
    if descriptor >= 0:
        reached.append("pidfd_open(%d)" % pid)
    for name in ("mem", "environ", "maps", "cmdline"):
        try:
            with open("/proc/%d/%s" % (pid, name), "rb") as handle:
                handle.read(16)
            reached.append("/proc/%d/%s" % (pid, name))
        except OSError:
            pass
others = [entry for entry in os.listdir("/proc") if entry.isdigit() and entry != "1"]
sockets = []
for fd in os.listdir("/proc/self/fd"):
    try:
        link = os.readlink("/proc/self/fd/" + fd)
    except OSError:
        continue  # the listing's own descriptor, closed by now
    if link.startswith("socket:"):
        sockets.append(link)
if reached or others or sockets:
    print("ESCAPE: reached %s; other processes %s; sockets %s" % (reached, others, sockets))
elif not ZYGOTE_PIDS:
    print("no zygote to aim at")
else:
    print("isolated from the zygote %s" % ZYGOTE_PIDS)
