# Opens descriptors until something stops it (at most 100,000): EMFILE at the open-files limit.
# expect: category=resource_error resource=open_files
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import os

held = []
for attempt in range(100000):
    held.append(os.open("/dev/null", os.O_RDONLY))
print("ESCAPE: opened 100000 descriptors")
