"""The book's ``common/gradient.py``: numerical gradients by central differences.

    from scratchdl.book.gradient import numerical_gradient
    grad = numerical_gradient(lambda W: net.loss(x, t), net.params["W1"])

Forward (for every element i of x, h = 1e-4)::

    grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)

``x`` is perturbed **in place** and restored, so ``f`` may ignore its argument and read
the same array elsewhere (the book's networks pass ``lambda W: self.loss(x, t)``).

Convention (the book's open bug, JP issue #51): an integer array cannot hold ``x + h``
(``x[i] = 3 + 1e-4`` is stored as 3), so the book silently returns wrong gradients.
Here an integer ``x`` is copied to float64 with a ``UserWarning``; ``f`` then receives that
float copy (so it must use its argument) and ``x`` itself is not modified.
"""

import warnings as _warnings
from collections.abc import Callable as _Callable

import numpy as np

H = 1e-4  # the book's step


def _as_float_array(x):
    if not isinstance(x, np.ndarray):
        raise ValueError(
            f"numerical_gradient needs x as a NumPy array (changed in place), received "
            f"{type(x).__name__} {x!r}"
        )
    if np.issubdtype(x.dtype, np.floating):
        return x
    _warnings.warn(
        f"numerical_gradient received an array of dtype {x.dtype}, which cannot hold x + h; "
        "computing the gradient at a float64 copy (pass a float array, e.g. np.array([3.0, 4.0]))",
        UserWarning,
        stacklevel=3,
    )
    return x.astype(np.float64)


def numerical_gradient(
    f: _Callable[[np.ndarray], float | np.floating], x: np.ndarray
) -> np.ndarray:
    """dF/dx by central differences with h = 1e-4, for x of any shape.

    Args:
        f: a function called as ``f(x)`` returning a scalar.
        x: a float ndarray, perturbed in place and restored (see the module docstring
           for integer arrays).

    Returns:
        an array of x's shape and float dtype.
    """
    x = _as_float_array(x)
    grad = np.zeros_like(x)
    flat_x = x.reshape(-1) if x.flags.c_contiguous else None
    if flat_x is None:  # a non-contiguous view: walk it by multi-index
        for idx in np.ndindex(x.shape):
            grad[idx] = _central_difference(f, x, idx)
        return grad
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        flat_g[i] = _central_difference(f, x, i, flat_x)
    return grad


def _central_difference(f, x, idx, flat_x=None):
    target = x if flat_x is None else flat_x
    old = target[idx]
    target[idx] = old + H
    f_plus = f(x)
    target[idx] = old - H
    f_minus = f(x)
    target[idx] = old
    return (f_plus - f_minus) / (2 * H)


def _numerical_gradient_1d(f, x):
    """The book's 1-D helper: numerical_gradient for a 1-D x."""
    x = _as_float_array(x)
    if x.ndim != 1:
        raise ValueError(f"_numerical_gradient_1d expects a 1-D array, received shape {x.shape}")
    return numerical_gradient(f, x)


def numerical_gradient_2d(
    f: _Callable[[np.ndarray], float | np.floating], X: np.ndarray
) -> np.ndarray:
    """Row by row: for a 2-D X, row i of the result is the gradient of f at row X[i] alone.

    ``f`` is called with one row (a 1-D array), as in the book's ``gradient_2d.py`` where
    each row is a point (x0, x1).  A 1-D X is one point.
    """
    X = _as_float_array(X)
    if X.ndim == 1:
        return _numerical_gradient_1d(f, X)
    grad = np.zeros_like(X)
    for i, row in enumerate(X):
        grad[i] = numerical_gradient(f, row)
    return grad
