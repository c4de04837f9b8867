# Benign control: writing and reading files in the work directory must succeed.
# expect: success=true stdout-contains=read-back=ok stdout-contains=listed=ok
# request: {"security_level": "standard"}
# guard: none (benign control)
import os

with open("notes.txt", "w") as handle:
    handle.write("hello from the work directory\n")
os.makedirs("sub", exist_ok=True)
with open(os.path.join("sub", "data.csv"), "w") as handle:
    handle.write("a,b\n1,2\n")
with open("notes.txt") as handle:
    assert handle.read() == "hello from the work directory\n"
with open(os.path.join("sub", "data.csv")) as handle:
    assert handle.read().splitlines()[1] == "1,2"
print("read-back=ok")
print("listed=%s" % ("ok" if {"notes.txt", "sub"} <= set(os.listdir(".")) else sorted(os.listdir("."))))
