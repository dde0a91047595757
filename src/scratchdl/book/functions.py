"""The book's ``common/functions.py``: activations and losses as plain functions.

    from scratchdl.book.functions import sigmoid, softmax, cross_entropy_error

Sigmoid and softmax are the engine's (``scratchdl.activations``).  Integer input is cast
to float64 first (as NumPy's ``np.exp`` would in the book's code); float input keeps its
dtype.

Conventions (docs/book.md a.2):
* ``sigmoid`` is numerically stable: exactly 0.0 at -1000 without the book's overflow
  RuntimeWarning (the book computes ``1/(1+np.exp(-x))`` directly).
* ``step_function`` returns ``dtype=int`` (JP); the KR edition's ``np.int`` fails on NumPy>=1.24.
* ``relu_grad`` is 1 at x == 0 (the book's choice); the engine's ReLU backward uses 0 there.
  KR's ``np.zeros(x)`` bug is fixed.
* ``mean_squared_error`` is the KR edition's name for ``sum_squared_error``: both are the
  same ``0.5 * sum((y - t)**2)`` -- a sum over every element, not a mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl import activations

__all__ = [
    "identity_function",
    "step_function",
    "sigmoid",
    "sigmoid_grad",
    "relu",
    "relu_grad",
    "softmax",
    "sum_squared_error",
    "mean_squared_error",
    "cross_entropy_error",
    "softmax_loss",
]

CE_DELTA = 1e-7  # the book adds 1e-7 inside the log


def _float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def identity_function(x: Any) -> Any:
    """Forward: y = x (returned unchanged, as in the book)."""
    return x


def step_function(x: ArrayLike) -> np.ndarray:
    """Forward: y = 1 where x > 0, else 0, as an int array (the book's ``dtype=int``)."""
    return np.array(np.asarray(x) > 0, dtype=int)


def sigmoid(x: ArrayLike) -> np.ndarray | np.floating:
    """Forward: y = 1 / (1 + exp(-x)), stable (no overflow warning). Shapes: any (a scalar too)."""
    x = _float(x)
    y = activations.Sigmoid().forward(np.atleast_1d(x))
    return y.reshape(x.shape)[()]


def sigmoid_grad(x: ArrayLike) -> np.ndarray | np.floating:
    """dy/dx of the sigmoid at x: (1 - sigmoid(x)) * sigmoid(x) (takes x, not y)."""
    y = sigmoid(x)
    return (1 - y) * y


def relu(x: ArrayLike) -> np.ndarray:
    """Forward: y = max(0, x)."""
    return np.maximum(0, x)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """dy/dx of ReLU: 1 where x >= 0 (1 at 0, the book's choice), else 0; x's dtype and shape."""
    x = np.asarray(x)
    return (x >= 0).astype(x.dtype)


def softmax(x: ArrayLike) -> np.ndarray:
    """Forward: y = exp(x - max x) / sum(exp(x - max x)) along the last axis (1-D or 2-D x)."""
    return activations.Softmax(axis=-1).forward(_float(x))


def sum_squared_error(y: np.ndarray, t: np.ndarray) -> np.floating:
    """Forward: E = 0.5 * sum((y - t)**2) over all elements (not divided by the batch)."""
    y, t = np.asarray(y), np.asarray(t)
    return 0.5 * np.sum((y - t) ** 2)


def mean_squared_error(y: np.ndarray, t: np.ndarray) -> np.floating:
    """The KR edition's name for ``sum_squared_error``: the same 0.5 * sum((y - t)**2), a sum."""
    return sum_squared_error(y, t)


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> np.floating:
    """Forward: E = -sum_n log(y[n, t_n] + 1e-7) / B.

    Shapes: y (B, C) or (C,) (treated as B = 1); t one-hot of y's shape, or labels (B,)/().
    A one-hot t (``t.size == y.size``) is converted with argmax, as in the book.
    """
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, y.size), t.reshape(1, t.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    batch_size = y.shape[0]
    if t.size != batch_size:
        raise ValueError(
            f"cross_entropy_error expects one label per row of y or a one-hot t of y's shape; "
            f"received y.shape={y.shape}, t.shape={np.shape(t)}"
        )
    return -np.sum(np.log(y[np.arange(batch_size), t.astype(np.intp)] + CE_DELTA)) / batch_size


def softmax_loss(X: np.ndarray, t: np.ndarray) -> np.floating:
    """Forward: cross_entropy_error(softmax(X), t)."""
    return cross_entropy_error(softmax(X), t)
