# Fills the work directory with many files, each under max_file_bytes, at most 4 GB in all:
# ENOSPC at the work directory's size cap, a disk resource error.
# expect: category=resource_error resource=disk
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30, "max_file_bytes": 8388608, "memory_mb": 2048}}
block = b"d" * (1 << 20)
written = 0
for index in range(512):
    with open("fill-%03d.bin" % index, "wb", buffering=0) as handle:
        for step in range(8):
            handle.write(block)
            written += len(block)
print("ESCAPE: wrote %d bytes into the work directory" % written)
