def outer(data):
    def middle(values):
        def inner(v):
            return v["value"] * 2

        return [inner(v) for v in values]

    return middle(data)


outer([{"value": 1}, {"val": 2}])
