"""Reductions over axes: sum, mean, max, min, prod.

Each takes ``axis`` (None = all axes, an int, or a list) and ``keepdims``.  The
backward first gives ``dy`` the kept axes back (``expand``) and then spreads it
over the reduced positions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scratchdl.autodiff.ops.base import Op, normalize_axes

__all__ = ["Sum", "Mean", "Max", "Min", "Prod"]


class _Reduce(Op):
    def __init__(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, bool(keepdims)

    def _setup(self, x) -> None:
        self.x_shape = x.shape
        self.axes = normalize_axes(self.axis, x.ndim)

    def expand(self, dout: np.ndarray) -> np.ndarray:
        """``dout`` with the reduced axes restored as size 1 (the keepdims shape)."""
        return dout if self.keepdims else np.expand_dims(dout, self.axes)


class Sum(_Reduce):
    """Forward: y = sum of x over ``axes``.   Backward: dx = dy copied to every summand."""

    name = "reduce_sum"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._setup(x)
        return np.sum(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.broadcast_to(self.expand(dout), self.x_shape).copy(),)


class Mean(_Reduce):
    """Forward: y = sum(x over axes) / n.   Backward: dx = dy / n at every position.

    n is the number of elements reduced.  Integer input gives an integer mean
    truncated toward zero (TensorFlow's integer division).
    """

    name = "reduce_mean"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._setup(x)
        self.n = int(np.prod([x.shape[a] for a in self.axes]))
        y = np.mean(x, axis=self.axes, keepdims=self.keepdims)
        if x.dtype.kind in "iu":
            return np.trunc(y).astype(x.dtype)
        return y.astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.broadcast_to(self.expand(dout) / self.n, self.x_shape).copy(),)


class Max(_Reduce):
    """Forward: y = max of x over axes.

    Backward: dy goes to the positions holding the maximum; tied positions share
    it equally (dx = dy * [x == y] / count), as in TensorFlow.
    """

    name = "reduce_max"
    _reduce = staticmethod(np.max)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._setup(x)
        self.x = x
        self.y = self._reduce(x, axis=self.axes, keepdims=True)
        return self.y if self.keepdims else np.squeeze(self.y, axis=self.axes)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        hit = (self.x == self.y).astype(dout.dtype)
        count = hit.sum(axis=self.axes, keepdims=True)
        return (hit * (self.expand(dout) / count),)


class Min(Max):
    """Forward: y = min over axes.   Backward: as ``Max``, at the minima."""

    name = "reduce_min"
    _reduce = staticmethod(np.min)


class Prod(_Reduce):
    """Forward: y = product of x over axes.

    Backward: dx_i = dy * (product of all the other x_j), computed as the product
    of the elements before i times the product of those after i (exclusive
    cumulative products), which stays right when some x_j are zero, unlike y / x_i.
    """

    name = "reduce_prod"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._setup(x)
        self.x = x
        return np.prod(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        x, axes = self.x, self.axes
        kept = [a for a in range(x.ndim) if a not in axes]
        moved = np.transpose(x, kept + list(axes))
        flat = moved.reshape(moved.shape[: len(kept)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
        before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        after_rev = np.concatenate([ones, flat[..., :0:-1]], axis=-1)
        after = np.cumprod(after_rev, axis=-1)[..., ::-1]
        others = (before * after).reshape(moved.shape)
        others = np.transpose(others, np.argsort(kept + list(axes)))
        return (others * self.expand(dout),)
