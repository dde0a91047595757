"""Operations that move, select or combine elements without arithmetic.

Their backward passes put each gradient element back where its value came
from: reshape back, transpose by the inverse permutation, scatter-add for
indexing and gathering, split for concatenation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from scratchdl.autodiff.ops.base import Op, unbroadcast

__all__ = ["Reshape", "Transpose", "GetItem", "Gather", "Concat", "Stack", "Where", "Clip", "Cast"]


class Reshape(Op):
    """Forward: y = x reshaped to ``shape`` (one -1 allowed).   Backward: dx = dy reshaped."""

    name = "reshape"

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(int(n) for n in np.asarray(shape).ravel())

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        try:
            return np.reshape(x, self.shape)
        except ValueError:
            raise ValueError(
                f"cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                f"to shape {list(self.shape)}"
            ) from None

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.reshape(dout, self.x_shape),)


class Transpose(Op):
    """Forward: y = x with axes permuted by ``perm`` (None: reversed).

    Backward: dx = dy permuted by the inverse permutation argsort(perm).
    """

    name = "transpose"

    def __init__(self, perm: Sequence[int] | None = None) -> None:
        self.perm = None if perm is None else tuple(int(p) for p in perm)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.used = self.perm if self.perm is not None else tuple(range(x.ndim))[::-1]
        if sorted(self.used) != list(range(x.ndim)):
            raise ValueError(
                f"perm {list(self.used)} is not a permutation of the axes of a rank-{x.ndim} tensor"
            )
        return np.transpose(x, self.used)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.transpose(dout, np.argsort(self.used)),)


class GetItem(Op):
    """Forward: y = x[index] (NumPy indexing).

    Backward: dx = zeros like x, then dy added at ``index`` (``np.add.at``, so an
    element picked twice receives both gradients).
    """

    name = "getitem"

    def __init__(self, index: Any) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return x[self.index]

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        dx = np.zeros(self.x_shape, dtype=np.result_type(dout, self.x_dtype))
        np.add.at(dx, self.index, dout)
        return (dx,)


class Gather(Op):
    """Forward: y = take(params, indices, axis).

    Backward: d params = zeros, then dy scatter-added along ``axis`` at ``indices``.
    Shapes: params (..., n, ...) with n on ``axis``; y has ``indices.shape`` there.
    """

    name = "gather"

    def __init__(self, indices: ArrayLike, axis: int = 0) -> None:
        self.indices, self.axis = np.asarray(indices), int(axis)

    def forward(self, params: np.ndarray) -> np.ndarray:
        n = params.shape[self.axis]
        bad = (self.indices < 0) | (self.indices >= n)
        if np.any(bad):
            raise IndexError(
                f"gather: index {self.indices[bad].ravel()[0]} is outside [0, {n}) on axis "
                f"{self.axis}"
            )
        self.shape, self.dtype = params.shape, params.dtype
        return np.take(params, self.indices, axis=self.axis)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        axis = self.axis % len(self.shape)
        dp = np.zeros(self.shape, dtype=np.result_type(dout, self.dtype))
        moved = np.moveaxis(dp, axis, 0)  # a view: writes land in dp
        k = self.indices.ndim
        d = np.moveaxis(dout, list(range(axis, axis + k)), list(range(k)))
        np.add.at(moved, self.indices, d)
        return (dp,)


class Concat(Op):
    """Forward: y = the inputs joined along ``axis``.   Backward: dy split at the same sizes."""

    name = "concat"

    def __init__(self, axis: int) -> None:
        self.axis = int(axis)

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        try:
            y = np.concatenate(xs, axis=self.axis)
        except ValueError:  # numpy.AxisError is a ValueError too
            raise ValueError(
                f"concat: shapes {[x.shape for x in xs]} cannot be joined on axis "
                f"{self.axis}; they must agree on every other axis"
            ) from None
        self.sizes = [x.shape[self.axis] for x in xs]
        return y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(np.split(dout, np.cumsum(self.sizes)[:-1], axis=self.axis))


class Stack(Op):
    """Forward: y = the inputs stacked along a new ``axis``.   Backward: dx_i = dy[i on axis]."""

    name = "stack"

    def __init__(self, axis: int = 0) -> None:
        self.axis = int(axis)

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        if len({x.shape for x in xs}) > 1:
            raise ValueError(
                f"stack: all tensors must have one shape, received {[x.shape for x in xs]}"
            )
        y = np.stack(xs, axis=self.axis)
        self.axis_used = self.axis % y.ndim
        return y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(np.moveaxis(dout, self.axis_used, 0))


class Where(Op):
    """Forward: y = x where ``condition`` else y_other (all three broadcast).

    Backward: dx = dy where condition (else 0), dy_other = dy where not condition.
    ``condition`` is a constant boolean array, not an input.
    """

    name = "where"

    def __init__(self, condition: ArrayLike) -> None:
        self.condition = np.asarray(condition, dtype=bool)

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        return np.where(self.condition, x, y)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = self.condition
        dx = np.where(c, dout, 0)
        dy = np.where(c, 0, dout)
        shape = np.broadcast_shapes(dout.shape, c.shape)
        dx, dy = np.broadcast_to(dx, shape), np.broadcast_to(dy, shape)
        return unbroadcast(dx, self.x_shape), unbroadcast(dy, self.y_shape)


class Clip(Op):
    """Forward: y = min(max(x, lo), hi).

    Backward: dx = dy where lo <= x <= hi, else 0 (a value on a bound keeps its
    gradient, as in TensorFlow).  ``lo`` and ``hi`` are constants.
    """

    name = "clip_by_value"

    def __init__(self, lo: ArrayLike, hi: ArrayLike) -> None:
        self.lo, self.hi = np.asarray(lo), np.asarray(hi)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        self.inside = (x >= self.lo) & (x <= self.hi)
        return np.minimum(np.maximum(x, self.lo), self.hi).astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (unbroadcast(np.where(self.inside, dout, 0), self.x_shape),)


class Cast(Op):
    """Forward: y = x converted to ``dtype`` (float to int truncates toward zero).

    Backward (float to float only): dx = dy converted back to x's dtype.
    """

    name = "cast"

    def __init__(self, dtype: DTypeLike) -> None:
        self.dtype = np.dtype(dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.asarray(dout).astype(self.x_dtype),)
