# A DNS lookup. Nothing may resolve. The refusal happens inside glibc's resolver, which turns
# the refused socket into socket.gaierror and drops the errno; so the answer is either the
# network refusal (security_error, if the daemon recognises the lookup) or the resolver's
# failure as such (runtime_error). Either is honest; a resolved address is an escape.
# expect: any-of=security_error|runtime_error success=false
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import socket

addresses = socket.getaddrinfo("example.com", 443)
print("ESCAPE: resolved example.com to %s" % sorted({entry[4][0] for entry in addresses})[:4])
