# The other calls stage 1 answers with EPERM, through syscall(2) with harmless arguments:
# bpf, perf_event_open, userfaultfd, keyctl, add_key, request_key, io_uring_setup,
# process_vm_readv, pidfd_getfd, kcmp, open_tree, fsopen, name_to_handle_at, syslog,
# settimeofday, sethostname, personality(ADDR_NO_RANDOMIZE), umount2, pivot_root, quotactl,
# fanotify_init. Each must fail with EPERM; the last refusal is raised for the verdict.
# expect: category=security_error violation=syscall stdout-contains=all-refused
# request: {"security_level": "permissive"}
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
machine = os.uname().machine
NUMBERS = {
    "x86_64": {
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248,
        "request_key": 249, "io_uring_setup": 425, "process_vm_readv": 310, "pidfd_getfd": 438, "kcmp": 312,
        "open_tree": 428, "fsopen": 430, "name_to_handle_at": 303, "syslog": 103, "settimeofday": 164,
        "sethostname": 170, "personality": 135, "umount2": 166, "pivot_root": 155, "quotactl": 179,
        "fanotify_init": 300,
    },
    "aarch64": {
        "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217,
        "request_key": 218, "io_uring_setup": 425, "process_vm_readv": 270, "pidfd_getfd": 438, "kcmp": 272,
        "open_tree": 428, "fsopen": 430, "name_to_handle_at": 264, "syslog": 116, "settimeofday": 170,
        "sethostname": 161, "personality": 92, "umount2": 39, "pivot_root": 41, "quotactl": 60,
        "fanotify_init": 262,
    },
}[machine]
buffer = ctypes.create_string_buffer(256)
me = os.getpid()
ARGUMENTS = {
    "bpf": (0, buffer, 0),  # BPF_MAP_CREATE with an empty attribute
    "perf_event_open": (buffer, 0, -1, -1, 0),
    "userfaultfd": (0,),
    "keyctl": (0, -3),  # KEYCTL_GET_KEYRING_ID of the session keyring
    "add_key": (b"user", b"warden", b"x", 1, 0),  # keyring 0: invalid, adds nothing
    "request_key": (b"user", b"warden", None, -3),
    "io_uring_setup": (1, buffer),
    "process_vm_readv": (me, None, 0, None, 0, 0),
    "pidfd_getfd": (-1, 0, 0),
    "kcmp": (me, me, 0, 0, 0),  # KCMP_FILE of fd 0 with itself
    "open_tree": (-100, b"/", 1),  # AT_FDCWD, OPEN_TREE_CLONE
    "fsopen": (b"tmpfs", 0),
    "name_to_handle_at": (-100, b"/", buffer, buffer, 0),
    "syslog": (3, buffer, 255),  # SYSLOG_ACTION_READ_ALL into a small buffer
    "settimeofday": (None, None),  # changes nothing
    "sethostname": (b"warden-adversarial", 18),
    "personality": (0x0040000,),  # ADDR_NO_RANDOMIZE
    "umount2": (b"/proc", 2),  # MNT_DETACH of the sandbox's own /proc
    "pivot_root": (b".", b"."),
    "quotactl": (0x800007, b"/", 0, None),  # Q_GETFMT
    "fanotify_init": (0, 0),
}
refusals = {}
allowed = []
last = None
for name, number in NUMBERS.items():
    arguments = [ctypes.c_long(a) if isinstance(a, int) else a for a in ARGUMENTS[name]]
    result = libc.syscall(ctypes.c_long(number), *arguments)
    error = ctypes.get_errno()
    if result == -1 and error == 1:  # EPERM
        refusals[name] = "EPERM"
        last = (name, error)
    else:
        allowed.append("%s -> %d (errno %d)" % (name, result, error))
if allowed:
    print("ESCAPE: not refused with EPERM: %s" % allowed)
else:
    print("all-refused")
name, error = last if last else ("none", 1)
raise OSError(error, "%s: %s" % (name, os.strerror(error)))
