# expect-context-contains: Module 'math' has no attribute 'sqroot'
# expect-suggestion-contains: 'sqrt'
import math

print(math.sqroot(16))
