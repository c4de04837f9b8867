# Writes a file into /etc. The system view is read-only: EROFS, a file_write refusal.
# expect: category=security_error violation=file_write
# request: {"security_level": "permissive"}
# sentinel: /etc/warden-adversarial-sentinel-@TOKEN@
with open("/etc/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("ESCAPE")
print("ESCAPE: wrote into /etc")
