# Reads /etc/shadow. It is not in the sandbox: FileNotFoundError; its content never shows.
# expect: category=runtime_error error_type=FileNotFoundError stdout-not-contains=root:
# request: {"security_level": "permissive"}
with open("/etc/shadow", "rb") as handle:
    secret = handle.read()
print("ESCAPE: read /etc/shadow (%d bytes)" % len(secret))
