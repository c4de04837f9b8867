# strict level: the import policy blocks os, so reach the posix module around it (the
# built-in importer) and exec a shell. The kernel, not the import hook, must stop it.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "strict", "limits": {"timeout_seconds": 10}}
# guard: own (os cannot be imported at strict; the same check follows, through posix)
importer = [c for c in object.__subclasses__() if c.__name__ == "BuiltinImporter"][0]
posix = importer.load_module("posix")
# The guard of the other scripts, through posix (os cannot be imported at this level): process
# 1 of its own PID namespace, and neither uid is root on the host side of the uid map.
host_uids = []
for uid in (posix.getuid(), posix.geteuid()):
    host = 0  # unknown: assume the worst
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    host = outside + uid - inside
    except (OSError, ValueError):
        pass
    host_uids.append(host)
if posix.getpid() != 1 or 0 in host_uids:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped" % (posix.getpid(), posix.getuid()))
    raise SystemExit(0)
posix.execv("/bin/sh", ["sh", "-c", "echo 'ESCAPE: execv ran a shell around the import policy'"])
