"""The book's ``ch04/gradient_1d.py``: numerical_diff, function_1 and tangent_line.

The book's plot is not run on import; matplotlib is not imported here.
"""

from collections.abc import Callable as _Callable

import numpy as np  # noqa: F401 (the book's module namespace offers np to star imports)


def numerical_diff(f: _Callable[[float], float], x: float) -> float:
    """Central difference (f(x + h) - f(x - h)) / (2h) with h = 1e-4."""
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def function_1(x: float | np.ndarray) -> float | np.ndarray:
    """y = 0.01 x**2 + 0.1 x."""
    return 0.01 * x**2 + 0.1 * x


def tangent_line(
    f: _Callable[[float], float], x: float
) -> _Callable[[float | np.ndarray], float | np.ndarray]:
    """The tangent of f at x as a function of t: d*t + (f(x) - d*x), d = numerical_diff."""
    d = numerical_diff(f, x)
    y = f(x) - d * x
    return lambda t: d * t + y
