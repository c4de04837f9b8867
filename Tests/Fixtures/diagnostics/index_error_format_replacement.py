template = "{} and {}"
print(template.format("one"))
