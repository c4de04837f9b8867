# Writes to /tmp, which in the sandbox is the work directory: it succeeds, and nothing
# appears in the host's /tmp (the runner checks the host path).
# expect: success=true stdout-contains=wrote-tmp
# request: {"security_level": "permissive"}
# sentinel: /tmp/warden-adversarial-sentinel-@TOKEN@
with open("/tmp/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("inside the sandbox this is the work directory")
print("wrote-tmp")
