# expect-suggestion-contains: 'sqrt'
import math

print(math.sqroot(16))
