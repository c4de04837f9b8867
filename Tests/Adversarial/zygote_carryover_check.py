# Runs after zygote_carryover_plant.py, on a worker forked from the same zygote: nothing of the
# earlier execution is here. Every module, builtin, path entry, random state, environment
# variable, file, descriptor, signal handler, umask and directory is as a fresh worker has it.
# after: zygote_carryover_plant.py
# expect: success=true stdout-contains=pristine
# request: {"security_level": "permissive"}
import builtins
import collections
import json
import os
import random
import signal
import sys

found = []
if hasattr(json, "PLANTED") or hasattr(collections, "PLANTED") or hasattr(builtins, "PLANTED"):
    found.append("module attributes")
if json.dumps({"a": 1}) != '{"a": 1}':
    found.append("json.dumps replaced")
if any("planted" in entry for entry in sys.path) or any("planted" in name for name in sys.modules):
    found.append("sys.path or sys.modules")
if random.getstate() == random.Random(1234).getstate():
    found.append("the seeded random state")
if "WARDEN_PLANTED" in os.environ:
    found.append("the environment")
for path in ("/work/planted-@TOKEN@", "/tmp/planted-tmp-@TOKEN@", "/work/planted-dir-@TOKEN@"):
    if os.path.exists(path):
        found.append(path)
links = {}
for entry in os.listdir("/proc/self/fd"):
    try:
        links[int(entry)] = os.readlink("/proc/self/fd/" + entry)
    except OSError:
        pass
if 50 in links or any("planted" in link for link in links.values()):
    found.append("descriptors %s" % links)
if signal.getsignal(signal.SIGUSR1) is not signal.SIG_DFL:
    found.append("the SIGUSR1 handler")
mask = os.umask(0o022)
if mask != 0o022:
    found.append("umask %o" % mask)
if os.getcwd() != "/work" or os.listdir("/work"):
    found.append("cwd %s holding %s" % (os.getcwd(), os.listdir("/work")))
if found:
    print("ESCAPE: carried over from the earlier execution: %s" % found)
else:
    print("pristine")
