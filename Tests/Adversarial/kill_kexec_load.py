# kexec_load through syscall(2) with arguments that would do nothing even if it ran (too many segments and invalid flags: EINVAL).
# No sandboxed program has a reason to make it: seccomp kills the process (SIGSYS).
# expect: category=security_error violation=syscall signal=SIGSYS
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
number = {"x86_64": 246, "aarch64": 104}[os.uname().machine]
result = libc.syscall(ctypes.c_long(number), ctypes.c_long(0), ctypes.c_long(1000), None, ctypes.c_long(0x7fff0000))
error = ctypes.get_errno()
print("not killed: kexec_load returned %d (errno %d, %s)" % (result, error, os.strerror(error)))
