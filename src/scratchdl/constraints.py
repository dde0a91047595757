"""Weight constraints (docs/keras-reference.md A7): projections applied after each optimizer step.

The optimizer writes the projection back into the weight's view: ``w[...] = c(w)``.
With ``norm = sqrt(sum(w**2, axis, keepdims=True))`` and ``eps = 1e-7`` (Keras's epsilon)::

    MaxNorm(max_value, axis):    w * (clip(norm, 0, max_value) / (eps + norm))
    NonNeg():                    max(w, 0)
    UnitNorm(axis):              w / (eps + norm)
    MinMaxNorm(min_value, max_value, rate, axis):
                                 w * ((rate * clip(norm, min_value, max_value)
                                       + (1 - rate) * norm) / (eps + norm))

Axis: the norm runs *along* ``axis``.  For a Dense kernel of shape (in, out), ``axis=0`` (the
default) gives one norm per column, i.e. per output unit (the incoming weight vector of each
unit, as in the max-norm of Srivastava et al. 2014).  For a conv kernel (h, w, in, out) use
``axis=[0, 1, 2]``.  The eps keeps a zero column at zero instead of dividing by zero, and makes
a norm exactly at the limit shrink by a factor norm / (norm + eps) (as Keras).

Names: ``max_norm``, ``non_neg``, ``unit_norm``, ``min_max_norm`` and the class names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from scratchdl.registry import Configurable, Registry

__all__ = [
    "Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "EPSILON",
    "get", "serialize", "deserialize",
]  # fmt: skip

EPSILON = 1e-7


def _number(value, name: str, low: float = 0.0, high: float = math.inf) -> float:
    """A float in [low, high], or ValueError quoting ``name=value``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise ValueError(f"{name} must be a number in [{low}, {high}], received {name}={value!r}")
    return float(value)


def _axis(axis):
    """An int or a list of ints (kept as a list so that the config is JSON-friendly)."""
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and all(isinstance(a, (int, np.integer)) for a in axis):
        return [int(a) for a in axis]
    raise ValueError(f"axis must be an int or a list of ints, received axis={axis!r}")


def _norm(w: np.ndarray, axis) -> np.ndarray:
    """sqrt(sum(w**2)) along ``axis``, keepdims (broadcasts back against w)."""
    ax = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(np.square(w), axis=ax, keepdims=True))


class Constraint(Configurable):
    """Base class: ``__call__(w) -> projected w`` (same shape and dtype); identity here."""

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return w


class MaxNorm(Constraint):
    """Rescale each slice whose norm along ``axis`` exceeds ``max_value`` down to it.

    Forward: w * (clip(norm, 0, max_value) / (eps + norm)).  Args: max_value >= 0 (default 2),
    axis (default 0 = per unit of a Dense kernel).  Reference: Srivastava et al. 2014.
    """

    _config_keys = ("max_value", "axis")

    def __init__(self, max_value: float = 2, axis: int | Sequence[int] = 0) -> None:
        self.max_value = _number(max_value, "max_value")
        self.axis = _axis(axis)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        norm = _norm(w, self.axis)
        desired = np.clip(norm, 0, self.max_value)
        return w * (desired / (EPSILON + norm))


class NonNeg(Constraint):
    """Forward: max(w, 0) (negative weights set to zero)."""

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return np.maximum(w, 0)


class UnitNorm(Constraint):
    """Forward: w / (eps + norm): every slice along ``axis`` gets norm ~1.  Default axis 0."""

    _config_keys = ("axis",)

    def __init__(self, axis: int | Sequence[int] = 0) -> None:
        self.axis = _axis(axis)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return w / (EPSILON + _norm(w, self.axis))


class MinMaxNorm(Constraint):
    """Move each slice's norm towards [min_value, max_value] by a fraction ``rate``.

    Forward: w * ((rate * clip(norm, min_value, max_value) + (1 - rate) * norm) / (eps + norm)).
    Args: 0 <= min_value <= max_value (defaults 0.0, 1.0); 0 <= rate <= 1 (default 1.0 = strict
    projection); axis (default 0).
    """

    _config_keys = ("min_value", "max_value", "rate", "axis")

    def __init__(
        self,
        min_value: float = 0.0,
        max_value: float = 1.0,
        rate: float = 1.0,
        axis: int | Sequence[int] = 0,
    ) -> None:
        self.min_value = _number(min_value, "min_value")
        self.max_value = _number(max_value, "max_value", low=self.min_value)
        self.rate = _number(rate, "rate", 0.0, 1.0)
        self.axis = _axis(axis)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        norm = _norm(w, self.axis)
        clipped = np.clip(norm, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norm
        return w * (desired / (EPSILON + norm))


_REGISTRY = {
    "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
    "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
}  # fmt: skip


_FAMILY = Registry("constraint", Constraint, _REGISTRY)
_lookup, serialize, deserialize, get = (
    _FAMILY.lookup,
    _FAMILY.serialize,
    _FAMILY.deserialize,
    _FAMILY.get,
)
