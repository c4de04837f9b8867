# reboot through syscall(2) with arguments that would do nothing even if it ran (wrong magic numbers: EINVAL).
# No sandboxed program has a reason to make it: seccomp kills the process (SIGSYS).
# expect: category=security_error violation=syscall signal=SIGSYS
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
number = {"x86_64": 169, "aarch64": 142}[os.uname().machine]
result = libc.syscall(ctypes.c_long(number), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0), None)
error = ctypes.get_errno()
print("not killed: reboot returned %d (errno %d, %s)" % (result, error, os.strerror(error)))
