# expect-context-contains: its last line on stderr: 'fatal: the input file is empty'
# security_level: standard
import sys

print("checking input")
sys.exit("fatal: the input file is empty")
