try:
    int("12a")
except ValueError as error:
    error.add_note("while reading row 7 of the input")
    raise
