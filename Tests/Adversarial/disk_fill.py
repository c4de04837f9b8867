# Fills the work directory with many files, each under max_file_bytes, at most 4 GB in all:
# ENOSPC at the work directory's size cap, a disk resource error.
# expect: category=resource_error resource=disk
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "max_file_bytes": 8388608, "memory_mb": 2048}}
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
block = b"d" * (1 << 20)
written = 0
for index in range(512):
    with open("fill-%03d.bin" % index, "wb", buffering=0) as handle:
        for step in range(8):
            handle.write(block)
            written += len(block)
print("ESCAPE: wrote %d bytes into the work directory" % written)
