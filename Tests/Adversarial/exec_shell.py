# Replacing the interpreter with a shell through os.execv: refused without the capability.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import os

os.execv("/bin/sh", ["sh", "-c", "echo 'ESCAPE: execv ran a shell'"])
