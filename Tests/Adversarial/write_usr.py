# Writes a file under /usr/lib (where an attacker would plant a module): read-only, EROFS.
# expect: category=security_error violation=file_write
# request: {"security_level": "permissive"}
# sentinel: /usr/lib/warden-adversarial-sentinel-@TOKEN@
with open("/usr/lib/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("ESCAPE")
print("ESCAPE: wrote into /usr/lib")
