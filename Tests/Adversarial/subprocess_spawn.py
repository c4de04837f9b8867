# Running another program without the subprocess capability, with room for more processes:
# fork works, execve is refused by the kernel (seccomp stage 2), Popen raises PermissionError.
# expect: category=security_error violation=process_spawn
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10, "max_processes": 4}}
import subprocess

output = subprocess.run(["/bin/sh", "-c", "echo ran-a-shell"], capture_output=True, timeout=5)
print("ESCAPE: a shell ran: %r" % output.stdout[:100])
