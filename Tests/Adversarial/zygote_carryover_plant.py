# Runs before zygote_carryover_check.py on the same daemon: leaves every kind of state a
# worker forked from the same zygote could inherit if executions shared a process — module
# attributes and replaced functions, builtins, sys.path, a seeded random generator, the
# environment, files in /work and /tmp, open descriptors (inheritable, at a fixed number),
# signal handlers, the umask and the working directory.
# role: partner
# expect: success=true stdout-contains=planted
# request: {"security_level": "permissive"}
import builtins
import collections
import json
import os
import random
import signal
import sys

json.PLANTED = "@TOKEN@"
json.dumps = lambda *args, **kwargs: "planted-@TOKEN@"
collections.PLANTED = "@TOKEN@"
builtins.PLANTED = "@TOKEN@"
sys.path.append("/planted-@TOKEN@")
sys.modules["planted_@TOKEN@"] = json
random.seed(1234)
os.environ["WARDEN_PLANTED"] = "@TOKEN@"
for path in ("/work/planted-@TOKEN@", "/tmp/planted-tmp-@TOKEN@"):
    with open(path, "w") as handle:
        handle.write("@TOKEN@")
descriptor = os.memfd_create("planted-@TOKEN@", 0)
os.set_inheritable(descriptor, True)
os.dup2(descriptor, 50)
signal.signal(signal.SIGUSR1, lambda number, frame: None)
os.umask(0)
os.mkdir("/work/planted-dir-@TOKEN@")
os.chdir("/work/planted-dir-@TOKEN@")
print("planted")
