def read():
    raise OSError("disk unavailable")


def load():
    try:
        read()
    except OSError as error:
        raise ValueError("could not load data") from error


try:
    load()
except ValueError:
    raise RuntimeError("startup failed")
