"""Merge layers: several inputs of one shape (or broadcastable), one output.

Each takes a list of arrays in ``forward`` and returns the list of input gradients
from ``backward``; a functional model (models/functional.py) wires them.  Shapes
broadcast as in NumPy (an axis of size 1 stretches); the gradient of an input that
was stretched is summed back over the stretched axes.

    Add:       y = x1 + x2 + ...          dx_i = dy
    Subtract:  y = x1 - x2                dx1 = dy, dx2 = -dy
    Multiply:  y = x1 * x2 * ...          dx_i = dy * prod_{j != i} x_j
    Average:   y = (x1 + ... + xn) / n    dx_i = dy / n
    Maximum:   y = max_i x_i              dx_i = dy where x_i is the (first) maximum
    Minimum:   y = min_i x_i              dx_i = dy where x_i is the (first) minimum
    Concatenate(axis): y = [x1 | x2 | ...] along axis; dx_i = the matching slice of dy

Convention: as Keras, a one-element list returns its input unchanged; Subtract takes
exactly two inputs (docs/keras-reference.md A12, "Merge layers").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl.layers.base import Layer

__all__ = [
    "Add",
    "Subtract",
    "Multiply",
    "Average",
    "Maximum",
    "Minimum",
    "Concatenate",
    "add",
    "subtract",
    "multiply",
    "average",
    "maximum",
    "minimum",
    "concatenate",
]


def _unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the axes along which an input of ``shape`` was stretched."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


class _Merge(Layer):
    """Base: checks the list of inputs; subclasses define ``_merge`` and ``_grads``."""

    multi_input = True
    _exactly: int | None = None

    def _check_inputs(self, xs: Any) -> list:
        if not isinstance(xs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs")
        if self._exactly is not None and len(xs) != self._exactly:
            raise ValueError(
                f"A `{type(self).__name__}` layer should be called on exactly "
                f"{self._exactly} inputs, received {len(xs)}"
            )
        if not xs:
            raise ValueError(f"{type(self).__name__} needs at least one input")
        return list(xs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [tuple(s) for s in input_shape]
        try:
            return tuple(np.broadcast_shapes(*shapes))
        except ValueError:
            raise ValueError(
                f"{type(self).__name__} needs inputs of one shape (or broadcastable), "
                f"received shapes {[(None, *s) for s in shapes]}"
            ) from None

    def build(self, input_shape: Any, rng: Any = None, dtype: Any = np.float32) -> None:
        super().build([tuple(s) for s in input_shape], rng, dtype)
        self.input_shape = [tuple(s) for s in input_shape]

    def forward(self, x: Any, training: bool = False) -> np.ndarray:
        xs = self._check_inputs(x)
        self._xs = xs
        if len(xs) == 1:
            return xs[0]
        return self._merge(xs)

    def backward(self, dout: np.ndarray) -> list:
        xs = self._xs
        if len(xs) == 1:
            return [dout]
        return [_unbroadcast(g, x.shape) for g, x in zip(self._grads(xs, dout), xs)]


class Add(_Merge):
    def _merge(self, xs):
        out = xs[0] + xs[1]
        for x in xs[2:]:
            out = out + x
        return out

    def _grads(self, xs, dout):
        return [dout] * len(xs)


class Subtract(_Merge):
    _exactly = 2

    def _merge(self, xs):
        return xs[0] - xs[1]

    def _grads(self, xs, dout):
        return [dout, -dout]


class Multiply(_Merge):
    def _merge(self, xs):
        out = xs[0] * xs[1]
        for x in xs[2:]:
            out = out * x
        return out

    def _grads(self, xs, dout):
        grads = []
        for i in range(len(xs)):
            g = dout
            for j, x in enumerate(xs):
                if j != i:
                    g = g * x
            grads.append(g)
        return grads


class Average(_Merge):
    def _merge(self, xs):
        return Add._merge(self, xs) / len(xs)

    def _grads(self, xs, dout):
        return [dout / len(xs)] * len(xs)


class _Extreme(_Merge):
    """Maximum / Minimum: the gradient goes to the first input holding the extreme value."""

    _pick = staticmethod(np.argmax)

    def _merge(self, xs):
        stacked = np.stack(np.broadcast_arrays(*xs))
        self._winner = self._pick(stacked, axis=0)
        return np.take_along_axis(stacked, self._winner[None], axis=0)[0]

    def _grads(self, xs, dout):
        return [np.where(self._winner == i, dout, 0.0).astype(dout.dtype) for i in range(len(xs))]


class Maximum(_Extreme):
    _pick = staticmethod(np.argmax)


class Minimum(_Extreme):
    _pick = staticmethod(np.argmin)


class Concatenate(_Merge):
    """``y = concatenate(xs, axis)``; every other axis must match."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [(None, *tuple(s)) for s in input_shape]
        axis = self.axis % len(shapes[0])
        if (
            axis == 0
            or any(len(s) != len(shapes[0]) for s in shapes)
            or any(
                s[:axis] + s[axis + 1 :] != shapes[0][:axis] + shapes[0][axis + 1 :] for s in shapes
            )
        ):
            raise ValueError(
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={shapes}"
            )
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        return tuple(out[1:])

    def _merge(self, xs):
        self._sizes = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, dout: np.ndarray) -> list:
        if len(self._xs) == 1:
            return [dout]
        cuts = np.cumsum(self._sizes)[:-1]
        return np.split(dout, cuts, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def _functional(cls):
    def merge(inputs: list, **kwargs: Any) -> Any:
        return cls(**kwargs)(inputs)

    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = f"``{cls.__name__}(**kwargs)(inputs)`` in one call (Keras's function form)."
    return merge


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, maximum, minimum = _functional(Average), _functional(Maximum), _functional(Minimum)
concatenate = _functional(Concatenate)
