"""A script with a docstring and a __future__ import."""
from __future__ import annotations


def f(x: Undefined) -> int:
    return x.missing


f(1)
