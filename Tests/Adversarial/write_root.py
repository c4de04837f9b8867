# Writes a file at the root of the filesystem: read-only, EROFS.
# expect: category=security_error violation=file_write
# request: {"security_level": "permissive"}
# sentinel: /warden-adversarial-sentinel-@TOKEN@
with open("/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("ESCAPE")
print("ESCAPE: wrote into /")
