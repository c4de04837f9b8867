import warnings

warnings.warn("values look suspicious", RuntimeWarning)
values = {"a": 1}
print(values["b"])
