try:
    raise ExceptionGroup("batch", [ValueError("v"), KeyError("k"), TypeError("t")])
except* ValueError:
    print("handled the ValueError")
