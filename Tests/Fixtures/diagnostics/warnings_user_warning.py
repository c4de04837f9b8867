import warnings

warnings.warn("this option is going away", UserWarning)
print("still running")
