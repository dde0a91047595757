"""``keras.backend``: the functions notes still call, as tensor ops (differentiable).

``K.mean``, ``K.square``, ``K.sqrt`` ... are the ``scratchdl.tensorflow`` ops under
tf.keras 2.x's backend names and argument names, so a custom loss or metric written
with them (``K.sqrt(K.mean(K.square(y_pred - y_true)))``) trains: the tape records
them like any tf op.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.layers.base import reset_name_counters
from scratchdl.tensorflow import array_ops as _array
from scratchdl.tensorflow import math_ops as _math
from scratchdl.variables import Variable

__all__ = [
    "abs",
    "argmax",
    "cast",
    "clip",
    "constant",
    "dot",
    "exp",
    "log",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "ones",
    "pow",
    "reshape",
    "sqrt",
    "square",
    "std",
    "sum",
    "variable",
    "zeros",
    "epsilon",
    "floatx",
    "clear_session",
    "image_data_format",
    "get_value",
    "set_value",
]


def epsilon() -> float:
    """The fuzz factor used by losses and constraints: 1e-7."""
    return 1e-7


def floatx() -> str:
    return "float32"


def image_data_format() -> str:
    return "channels_last"


def clear_session() -> None:
    """Reset layer/model auto-names (``dense``, ``dense_1``, ...)."""
    reset_name_counters()


def get_value(x: ArrayLike) -> np.generic | np.ndarray:
    """tf.keras 2.x's ``K.get_value(model.optimizer.lr)``: the value as a NumPy value."""
    return np.asarray(x)[()]


def set_value(x: object, value: Any) -> None:
    """tf.keras 2.x's ``K.set_value(variable, value)``: assigns a Variable in place.

    ``K.set_value(model.optimizer.lr, 0.001)`` cannot work here: the learning rate is
    a plain number, so write ``model.optimizer.learning_rate = 0.001`` (Keras 3
    removed set_value too).
    """
    if isinstance(x, Variable):
        x.assign(value)
        return
    raise TypeError(
        f"backend.set_value cannot change {x!r}: it is a plain number, not a Variable. "
        f"To change the learning rate write model.optimizer.learning_rate = {value!r}"
    )


# -- tensor functions (tf.keras 2.x's backend names; each a recorded tensor op) ------
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _math.reduce_mean(x, axis=axis, keepdims=keepdims)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _math.reduce_sum(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _math.reduce_max(x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _math.reduce_min(x, axis=axis, keepdims=keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _math.reduce_std(x, axis=axis, keepdims=keepdims)


def square(x: Any) -> Any:
    return _math.square(x)


def sqrt(x: Any) -> Any:
    """tf.keras clips at 0 before the square root (no NaN from rounding below 0)."""
    return _math.sqrt(_math.maximum(x, 0.0))


def abs(x: Any) -> Any:  # noqa: A001
    return _math.abs(x)


def exp(x: Any) -> Any:
    return _math.exp(x)


def log(x: Any) -> Any:
    return _math.log(x)


def pow(x: Any, a: Any) -> Any:  # noqa: A001
    return _math.pow(x, a)


def maximum(x: Any, y: Any) -> Any:
    return _math.maximum(x, y)


def minimum(x: Any, y: Any) -> Any:
    return _math.minimum(x, y)


def clip(x: Any, min_value: Any, max_value: Any) -> Any:
    return _array.clip_by_value(x, min_value, max_value)


def cast(x: Any, dtype: Any) -> Any:
    return _array.cast(x, dtype)


def argmax(x: Any, axis: int = -1) -> Any:
    return _math.argmax(x, axis=axis)


def dot(x: Any, y: Any) -> Any:
    return _math.matmul(x, y)


def reshape(x: Any, shape: Any) -> Any:
    return _array.reshape(x, shape)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: Any = None) -> Any:
    return _array.constant(value, dtype=dtype or floatx(), shape=shape)


def variable(value: Any, dtype: Any = None, name: Any = None) -> Variable:
    return Variable(value, dtype=dtype or floatx(), name=name)


def zeros(shape: Any, dtype: Any = None, name: Any = None) -> Any:
    return _array.zeros(shape, dtype=dtype or floatx())


def ones(shape: Any, dtype: Any = None, name: Any = None) -> Any:
    return _array.ones(shape, dtype=dtype or floatx())
