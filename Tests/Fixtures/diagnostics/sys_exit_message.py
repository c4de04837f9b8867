# security_level: standard
import sys

print("checking input")
sys.exit("fatal: the input file is empty")
