def load_port(text):
    try:
        return int(text)
    except ValueError as error:
        raise RuntimeError("invalid port in configuration") from error


load_port("80a")
