"""Weight regularizers (docs/keras-reference.md A7): penalties added to the loss.

Penalty and gradient of each (sums over every entry of ``w``)::

    L1(l1):       R = l1 * sum(|w|)                      dR/dw = l1 * sign(w)   (0 at w == 0)
    L2(l2):       R = l2 * sum(w**2)                     dR/dw = 2 * l2 * w
    L1L2(l1, l2): R = l1 * sum(|w|) + l2 * sum(w**2)     dR/dw = the sum of both

Convention: Keras's L2 has **no 1/2** and no division by N or batch size, so its gradient is
``2 * l2 * w``; the book's weight decay is ``0.5 * lambda * sum(W**2)`` (gradient ``lambda * W``):
``L2(l2=lambda / 2)`` reproduces it.  PyTorch's ``weight_decay=wd`` adds ``wd * w`` to the
gradient, i.e. ``L2(l2=wd / 2)``.

The model sums ``R(w)`` over every regularized weight and adds it to the loss (training and
evaluation alike); the layer adds ``gradient(w)`` into the weight's gradient.

Names: ``"l1"``, ``"l2"`` (factor 0.01), ``"l1l2"`` (Keras 3's key: l1 = l2 = 0.0) and
``"l1_l2"`` (tf.keras 2.x's function: l1 = l2 = 0.01), plus the class names.
"""

from __future__ import annotations

import math

import numpy as np

from scratchdl.registry import Configurable, Registry

__all__ = [
    "Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize",
]  # fmt: skip


def _factor(value, name: str) -> float:
    """A non-negative finite float, or ValueError quoting ``name=value``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not 0 <= value < math.inf:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float, "
            f"received {name}={value!r}"
        )
    return float(value)


class Regularizer(Configurable):
    """Base class: ``__call__(w) -> float`` (penalty), ``gradient(w) -> array`` (dtype of w)."""

    def __call__(self, w: np.ndarray) -> float:
        return 0.0

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return np.zeros_like(w)


class L1(Regularizer):
    """R = l1 * sum(|w|); dR/dw = l1 * sign(w), which is 0 where w == 0.

    Args: l1 >= 0 (default 0.01).  ``l=`` is tf.keras 2.x's legacy spelling of ``l1``.
    """

    _config_keys = ("l1",)

    def __init__(self, l1: float = 0.01, l: float | None = None) -> None:
        self.l1 = _factor(l1 if l is None else l, "l1")

    def __call__(self, w: np.ndarray) -> float:
        return self.l1 * float(np.sum(np.abs(w)))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return self.l1 * np.sign(w)


class L2(Regularizer):
    """R = l2 * sum(w**2) (no 1/2); dR/dw = 2 * l2 * w.

    Args: l2 >= 0 (default 0.01).  ``l=`` is tf.keras 2.x's legacy spelling of ``l2``.
    """

    _config_keys = ("l2",)

    def __init__(self, l2: float = 0.01, l: float | None = None) -> None:
        self.l2 = _factor(l2 if l is None else l, "l2")

    def __call__(self, w: np.ndarray) -> float:
        return self.l2 * float(np.sum(np.square(w)))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return (2 * self.l2) * w


class L1L2(Regularizer):
    """R = l1 * sum(|w|) + l2 * sum(w**2); dR/dw = l1 * sign(w) + 2 * l2 * w.

    Args: l1 >= 0, l2 >= 0 (class defaults 0.0 and 0.0, as Keras; ``l1_l2()`` uses 0.01).
    """

    _config_keys = ("l1", "l2")

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = _factor(l1, "l1"), _factor(l2, "l2")

    def __call__(self, w: np.ndarray) -> float:
        return self.l1 * float(np.sum(np.abs(w))) + self.l2 * float(np.sum(np.square(w)))

    def gradient(self, w: np.ndarray) -> np.ndarray:
        return self.l1 * np.sign(w) + (2 * self.l2) * w


l1 = L1
l2 = L2


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """``L1L2(l1, l2)`` with tf.keras 2.x's defaults l1 = l2 = 0.01.

    Convention: in Keras 3 ``l1_l2`` is an alias of the class, so ``l1_l2()`` there has
    l1 = l2 = 0.0 (no penalty at all).  scratchdl follows tf.keras 2.x, which class notes
    written for tf.keras expect; pass both factors explicitly to be version-proof.
    """
    return L1L2(l1=l1, l2=l2)


_REGISTRY = {
    "L1": L1, "L2": L2, "L1L2": L1L2,
    "l1": L1, "l2": L2, "l1l2": L1L2,  # Keras 3 snake_case keys; "l1l2" gives l1 = l2 = 0.0
    "l1_l2": l1_l2,  # tf.keras 2.x's function: l1 = l2 = 0.01
}  # fmt: skip


_FAMILY = Registry("regularizer", Regularizer, _REGISTRY)
_lookup, serialize, deserialize, get = (
    _FAMILY.lookup,
    _FAMILY.serialize,
    _FAMILY.deserialize,
    _FAMILY.get,
)
