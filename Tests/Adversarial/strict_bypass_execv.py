# strict level: the import policy blocks os, so reach the posix module around it (the
# built-in importer) and exec a shell. The kernel, not the import hook, must stop it.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "strict", "limits": {"timeout_seconds": 10}}
importer = [c for c in object.__subclasses__() if c.__name__ == "BuiltinImporter"][0]
posix = importer.load_module("posix")
# The guard of the other scripts, through posix (os cannot be imported at this level).
if posix.getpid() != 1 or posix.getuid() == 0 or posix.geteuid() == 0:
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped" % (posix.getpid(), posix.getuid()))
    raise SystemExit(0)
posix.execv("/bin/sh", ["sh", "-c", "echo 'ESCAPE: execv ran a shell around the import policy'"])
