"""Reverse-mode automatic differentiation over NumPy (define-by-run).

- ``Tensor``: an array whose operations can be recorded;
- ``ops``: each operation a tiny layer with ``forward`` and ``backward``;
- ``GradientTape``: records the operations run inside ``with tape:`` and
  returns gradients by running the recorded backwards in reverse order.

The engine's ``Variable`` is a tape leaf: an operation that reads a trainable
float Variable while a tape records makes the Variable a source of that tape.
See docs/autodiff.md for a walk-through.
"""

from typing import Any

from scratchdl.autodiff import ops
from scratchdl.autodiff.tape import GradientTape, UnconnectedGradients
from scratchdl.autodiff.tensor import (
    InvalidArgumentError,
    Tensor,
    TensorShape,
    apply,
    convert_to_tensor,
    is_tensor,
    value_of,
)

__all__ = [
    "ops",
    "Tensor",
    "TensorShape",
    "GradientTape",
    "UnconnectedGradients",
    "InvalidArgumentError",
    "apply",
    "convert_to_tensor",
    "is_tensor",
    "value_of",
    "stop_gradient",
]


def stop_gradient(x: Any) -> Tensor:
    """A copy of ``x`` that no tape connects to ``x`` (its gradient is cut here)."""
    return Tensor(value_of(x).copy())
