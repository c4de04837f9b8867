# The request's `files` name paths outside the work directory ("../", absolute). The request
# is malformed: 400 naming the field, and nothing is written anywhere.
# expect: status=400
# request: {"security_level": "permissive", "files": {"../../warden-adversarial-sentinel-@TOKEN@": "x", "/tmp/warden-adversarial-abs-@TOKEN@": "x"}}
# sentinel: /tmp/warden-adversarial-abs-@TOKEN@
print("ESCAPE: this request should have been refused")
