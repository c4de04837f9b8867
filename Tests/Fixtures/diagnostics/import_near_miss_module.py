# expect-suggestion-contains: 'math'
import maths
