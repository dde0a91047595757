"""The book's ``ch04/gradient_2d.py``: the functions ``gradient_method.py`` imports.

    from scratchdl.book.ch04.gradient_2d import numerical_gradient, function_2

``numerical_gradient(f, X)`` takes one point (1-D X) or one point per row (2-D X), as the
book's; it is ``scratchdl.book.gradient.numerical_gradient_2d``.  The book's script part
(the quiver plot of -grad f) is not run on import; matplotlib is not imported here.
"""

from collections.abc import Callable as _Callable

import numpy as np

from scratchdl.book.gradient import _numerical_gradient_1d as _numerical_gradient_no_batch  # noqa: F401
from scratchdl.book.gradient import numerical_gradient_2d as numerical_gradient


def function_2(x: np.ndarray) -> np.ndarray | np.floating:
    """f(x) = sum(x**2): per point for a 1-D x, per row for a 2-D x."""
    if x.ndim == 1:
        return np.sum(x**2)
    return np.sum(x**2, axis=1)


def tangent_line(
    f: _Callable[[np.ndarray], float | np.floating], x: np.ndarray
) -> _Callable[[np.ndarray], np.ndarray]:
    """The linear function t -> d*t + (f(x) - d*x), d = the numerical gradient of f at x."""
    d = numerical_gradient(f, x)
    y = f(x) - d * x
    return lambda t: d * t + y
