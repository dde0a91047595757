"""The base of every operation, and ``unbroadcast``.

An operation is a tiny layer without weights: ``forward(*arrays)`` computes the
output from NumPy arrays and keeps what the backward pass needs on ``self``;
``backward(dout)`` returns one gradient per input (``None`` for an input that
has no gradient, such as an integer index).  A new op object is made for every
call, so the cache of one call never overwrites another's, and ``backward`` may
run more than once (a persistent tape) because it never changes the cache.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Op", "unbroadcast", "normalize_axes"]


class Op:
    """One differentiable operation: ``y = f(x1, x2, ...)``.

    Forward:  ``y = forward(x1, x2, ...)`` on NumPy arrays.
    Backward: ``(dx1, dx2, ...) = backward(dy)`` with ``dxi = dL/dxi`` for an upstream
    ``dy = dL/dy`` of y's shape; each ``dxi`` has ``xi``'s shape.

    Subclasses set ``name`` and implement both methods.

    ``needs_grad``: before calling ``backward`` the tape sets it to one bool per
    input (False for an input it does not track, such as the data batch); an op
    whose input gradients are costly (``MatMul``) may return None for those.
    None means every gradient is wanted.
    """

    name = "op"
    needs_grad = None

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement forward(*arrays)")

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray | None, ...]:
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dout)")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` back to ``shape``: the backward of NumPy broadcasting.

    Forward broadcasting copies ``x`` of shape ``shape`` along new leading axes and
    along axes where ``shape`` has 1; each copy received its own gradient, so the
    gradient of ``x`` is their sum::

        x: (3, 1)  ->  y: (2, 3, 4)     dx = dy.sum(axis=0).sum(axis=-1, keepdims=True)
    """
    grad = np.asarray(grad)
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0:
        raise ValueError(f"cannot unbroadcast a gradient of shape {grad.shape} to {shape}")
    if lead:
        grad = grad.sum(axis=tuple(range(lead)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if ones:
        grad = grad.sum(axis=ones, keepdims=True)
    return grad


def normalize_axes(axis: int | Sequence[int] | np.ndarray | None, ndim: int) -> tuple:
    """``axis`` (None, an int or a sequence of ints) as a sorted tuple of axes >= 0."""
    if axis is None:
        return tuple(range(ndim))
    items = [axis] if np.ndim(axis) == 0 else list(np.asarray(axis).ravel())
    axes = []
    for a in items:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor of rank {ndim}")
        axes.append(a % ndim if ndim else 0)
    return tuple(sorted(set(axes)))
