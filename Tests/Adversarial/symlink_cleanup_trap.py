# Leaves traps for whoever cleans the work directory up: symlinks to /, to the daemon's state
# directory, to /proc/1/root and to .., a symlink loop, a read-only deep tree, an unreadable
# directory and a hard link attempt. The clean-up must remove links, not follow them (the
# runner checks that its canary file in the state directory survives and the daemon works).
# expect: success=true stdout-contains=traps-set
# request: {"security_level": "permissive"}
import os

for target, name in (("/", "root-link"), ("@STATE_DIR@", "state-link"), ("/proc/1/root", "proc-root-link"),
                     ("..", "parent-link"), ("loop-a", "loop-b"), ("loop-b", "loop-a")):
    os.symlink(target, name)
path = "deep"
for depth in range(50):
    os.makedirs(path, exist_ok=True)
    os.symlink("/", os.path.join(path, "up"))
    path = os.path.join(path, "d")
os.makedirs("locked/inner", exist_ok=True)
with open("locked/inner/file", "w") as handle:
    handle.write("x")
os.chmod("locked/inner/file", 0)
os.chmod("locked/inner", 0)
os.chmod("locked", 0o500)
try:
    os.link("/etc/ld.so.cache", "hardlink")
except OSError as error:
    print("hard link: %s" % type(error).__name__)
print("traps-set")
