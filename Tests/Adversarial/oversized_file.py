# Writes one file in 1 MB steps (at most 4 GB) past max_file_bytes (10 MB): EFBIG.
# expect: category=resource_error resource=file_size
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 20, "max_file_bytes": 10485760, "memory_mb": 512}}
block = b"z" * (1 << 20)
with open("big.bin", "wb", buffering=0) as handle:
    for step in range(4096):
        handle.write(block)
print("ESCAPE: wrote a 4 GB file")
