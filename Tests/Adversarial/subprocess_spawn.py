# Running another program without the subprocess capability, with room for more processes:
# fork works, execve is refused by the kernel (seccomp stage 2), Popen raises PermissionError.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
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
import subprocess

output = subprocess.run(["/bin/sh", "-c", "echo ran-a-shell"], capture_output=True, timeout=5)
print("ESCAPE: a shell ran: %r" % output.stdout[:100])
