# Lists and reads the daemon's state directory (its database, the harness, other executions'
# work directories) by host path. Not in the sandbox: FileNotFoundError.
# expect: category=runtime_error error_type=FileNotFoundError
# request: {"security_level": "permissive"}
import os

entries = os.listdir("@STATE_DIR@")
print("ESCAPE: the daemon's state directory is visible: %d entries" % len(entries))
for name in entries:
    if "canary" in name:
        with open(os.path.join("@STATE_DIR@", name)) as handle:
            print("ESCAPE: canary %s" % handle.read())
