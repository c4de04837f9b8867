# security_level: standard
import sys

total = 7
sys.exit()
