try:
    {}["key"]
except KeyError:
    raise LookupError("setting 'key' is missing") from None
