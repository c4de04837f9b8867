# init_module through syscall(2) with arguments that would do nothing even if it ran (an empty image).
# No sandboxed program has a reason to make it: seccomp kills the process (SIGSYS).
# expect: category=security_error violation=syscall signal=SIGSYS
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
number = {"x86_64": 175, "aarch64": 105}[os.uname().machine]
result = libc.syscall(ctypes.c_long(number), None, ctypes.c_long(0), b"")
error = ctypes.get_errno()
print("not killed: init_module returned %d (errno %d, %s)" % (result, error, os.strerror(error)))
