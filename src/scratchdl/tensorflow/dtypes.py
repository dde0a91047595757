"""TensorFlow's dtype names as NumPy types: ``tf.float32 is numpy.float32``.

So ``x.dtype == tf.float32`` and ``np.zeros(3, dtype=tf.float32)`` both work.
"""

import numpy as np
from numpy.typing import DTypeLike

__all__ = [
    "float16", "float32", "float64", "double", "half",
    "int8", "int16", "int32", "int64", "uint8", "bool", "as_dtype", "DType",
]  # fmt: skip

float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8 = np.uint8
bool = np.bool_  # noqa: A001 (TensorFlow's name)
DType = np.dtype


def as_dtype(type_value: DTypeLike) -> np.dtype:
    """The dtype named or given by ``type_value`` (e.g. "float32", tf.int64)."""
    try:
        return np.dtype(type_value)
    except TypeError:
        raise TypeError(f"cannot convert {type_value!r} to a dtype") from None
