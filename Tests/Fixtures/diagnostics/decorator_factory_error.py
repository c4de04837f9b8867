def repeat(times):
    def decorate(function):
        return [function] * times.count

    return decorate


@repeat(3)
def hello():
    return "hi"
