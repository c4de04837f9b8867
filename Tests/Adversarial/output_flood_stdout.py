# Output flood: 200 MB of lines on stdout. Dropped beyond max_output_bytes and flagged; the
# run itself goes on and succeeds.
# expect: success=true stdout_truncated=true max-seconds=20
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 30}}
import sys

line = "flood " * 170 + "\n"  # about 1 KB
block = line * 1024  # about 1 MB
for _ in range(200):
    sys.stdout.write(block)
sys.stdout.flush()
