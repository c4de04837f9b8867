errors = [ValueError("bad value"), TypeError("bad type")]
raise ExceptionGroup("validation failed", errors)
