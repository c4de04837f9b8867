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
# ---- confinement guard (the same in every hostile script; see README.md) ----
import os as _guard_os


def _guard_host_uid(uid):
    # The uid as the parent user namespace sees it (a sandbox uid mapped to root is root).
    try:
        with open("/proc/self/uid_map") as handle:
            for line in handle:
                inside, outside, count = (int(field) for field in line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return 0  # unknown: assume the worst


if _guard_os.getpid() != 1 or 0 in (_guard_host_uid(_guard_os.getuid()), _guard_host_uid(_guard_os.geteuid())):
    print("ESCAPE: not confined (pid=%d uid=%d); the hostile part was skipped"
          % (_guard_os.getpid(), _guard_os.getuid()))
    raise SystemExit(0)
# ---- end of guard ----
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
