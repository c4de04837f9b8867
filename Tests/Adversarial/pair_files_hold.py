# Partner of pair_files_peek.py: keeps a secret file in its work directory (and in its
# environment-free memory) for 4 s.
# role: partner
# expect: success=true stdout-contains=holding
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 15}}
import os
import time

with open("secret.txt", "w") as handle:
    handle.write("secret-" + "of-@TOKEN@")
print("holding in %s" % os.getcwd(), flush=True)
time.sleep(4)
