def build(name, size, color):
    return {"name": name, "size": size, "color": color}


item = build(
    "box",
    size=3,
    colour="red",
)
