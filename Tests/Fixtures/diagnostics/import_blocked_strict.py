# expect-reference: none
# expect-category: security_error
# expect-type: SecurityViolation
# expect-context-contains: 'os' module is blocked in strict
print("before the import")
import os
