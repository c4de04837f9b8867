# security_level: standard
# expect-reference: none
# expect-category: security_error
# expect-type: SecurityViolation
import subprocess
