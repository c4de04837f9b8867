# ptrace(PTRACE_TRACEME) through ctypes: denied by seccomp (EPERM) whatever the namespaces.
# expect: category=security_error violation=syscall
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_TRACEME = 0
if libc.ptrace(PTRACE_TRACEME, 0, None, None) == -1:
    error = ctypes.get_errno()
    raise OSError(error, "ptrace(PTRACE_TRACEME): " + os.strerror(error))
print("ESCAPE: ptrace(PTRACE_TRACEME) succeeded")
