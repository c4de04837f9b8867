# Tries many host places at once (/var/tmp, /dev/shm, /run, /dev, /root, /home, /opt, /srv,
# /mnt, /var/lib) and reports how each write went; every refusal is expected, and the runner
# checks that no file appeared on the host.
# expect: success=true stdout-contains=attempted=10
# request: {"security_level": "permissive"}
# sentinel: /var/tmp/warden-adversarial-sentinel-@TOKEN@
# sentinel: /dev/shm/warden-adversarial-sentinel-@TOKEN@
# sentinel: /run/warden-adversarial-sentinel-@TOKEN@
# sentinel: /dev/warden-adversarial-sentinel-@TOKEN@
# sentinel: /root/warden-adversarial-sentinel-@TOKEN@
# sentinel: /home/warden-adversarial-sentinel-@TOKEN@
# sentinel: /opt/warden-adversarial-sentinel-@TOKEN@
# sentinel: /srv/warden-adversarial-sentinel-@TOKEN@
# sentinel: /mnt/warden-adversarial-sentinel-@TOKEN@
# sentinel: /var/lib/warden-adversarial-sentinel-@TOKEN@
places = ["/var/tmp", "/dev/shm", "/run", "/dev", "/root", "/home", "/opt", "/srv", "/mnt", "/var/lib"]
for place in places:
    path = place + "/warden-adversarial-sentinel-@TOKEN@"
    try:
        with open(path, "w") as handle:
            handle.write("written")
        print("%s: written (inside the sandbox)" % place)
    except OSError as error:
        print("%s: %s" % (place, type(error).__name__))
print("attempted=%d" % len(places))
