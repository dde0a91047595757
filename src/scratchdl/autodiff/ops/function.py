"""``Function``: an operation made from any forward and backward callables.

This is how a unit that already has a hand-written backward — an engine layer,
a loss — joins the tape as ONE operation, without re-deriving anything::

    op = Function(
        forward=lambda x, W, b: layer.forward(x, training=True),
        backward=lambda dy: (layer.backward(dy), *grads_of(layer)),
        name=layer.name,
    )
    y = apply(op, x, W, b)          # W, b: the layer's Variables

The backward returns one gradient per input, in the inputs' order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from scratchdl.autodiff.ops.base import Op

__all__ = ["Function"]


class Function(Op):
    """Forward: y = forward(*xs).   Backward: backward(dy) -> (dx1, dx2, ...).

    Args:
        forward: a callable of the input arrays returning the output array.
        backward: a callable of ``dy`` returning a gradient per input (a single
            array is accepted for a one-input function).
        name: shown in errors and in the tape's records.
    """

    def __init__(
        self,
        forward: Callable[..., np.ndarray],
        backward: Callable[[np.ndarray], Sequence[np.ndarray | None]],
        name: str = "function",
    ) -> None:
        if not callable(forward) or not callable(backward):
            raise TypeError(
                f"Function needs callables forward and backward, received "
                f"{type(forward).__name__} and {type(backward).__name__}"
            )
        self._forward, self._backward, self.name = forward, backward, str(name)

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        self.n_inputs = len(xs)
        return self._forward(*xs)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray | None, ...]:
        grads = self._backward(dout)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != self.n_inputs:
            raise ValueError(
                f"the backward of {self.name!r} returned {len(grads)} gradients for "
                f"{self.n_inputs} inputs"
            )
        return tuple(grads)
