# Writes into the daemon's state directory by its host path. It does not exist in the
# sandbox: FileNotFoundError (a runtime error; the point is that nothing appears on the host).
# expect: category=runtime_error error_type=FileNotFoundError
# request: {"security_level": "permissive"}
# sentinel: @STATE_DIR@/warden-adversarial-sentinel-@TOKEN@
with open("@STATE_DIR@/warden-adversarial-sentinel-@TOKEN@", "w") as handle:
    handle.write("ESCAPE")
print("ESCAPE: wrote into the daemon's state directory")
