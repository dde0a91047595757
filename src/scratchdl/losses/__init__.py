"""Losses with Keras semantics (docs/keras-reference.md A5) and explicit gradients.

A loss first computes one value per sample by reducing the **last axis**
(``l_i``, shape ``y_pred.shape[:-1]``), multiplies it by ``sample_weight`` (``w_i``),
then reduces::

    sum_over_batch_size (default, = "auto" = "mean"):  L = sum(w_i * l_i) / N
    sum:  L = sum(w_i * l_i)        none:  the array w_i * l_i
    mean_with_sample_weight:  L = sum(w_i * l_i) / sum(w_i)

N is the number of per-sample losses, **not** sum(w) (Keras).  ``forward(y_pred,
y_true, sample_weight)`` returns L as a Python float; ``backward()`` returns dL/dy_pred
for the last forward, in y_pred's dtype (for reduction "none": d sum(w_i l_i)/dy_pred).
``__call__(y_true, y_pred, sample_weight)`` takes Keras's argument order.

Fused gradients (docs/architecture.md; the book's SoftmaxWithLoss): when the last layer is a
softmax (sigmoid) and the loss is (sparse) categorical (binary) cross-entropy on
probabilities, ``fuses_with`` names that activation and ``fused_backward()`` returns
dL/dz for its input z directly: ``(p - t) * w / N`` (``/ (N*D)`` for BCE, which averages
the D outputs).  This is the gradient of the *unclipped* cross-entropy, i.e. what
TensorFlow computes from the cached logits; it assumes each row of t sums to 1.

Shapes: y_true is squeezed/expanded when the ranks differ by one with a trailing 1;
any other mismatch raises ValueError quoting both shapes.  ``EPSILON = 1e-7``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numpy.typing import ArrayLike

from scratchdl.losses.base import (  # noqa: F401  (_align*: used by scratchdl.metrics)
    EPSILON,
    REDUCTIONS,
    Loss,
    LossFunctionWrapper,
    _align,
    _align_weight,
)
from scratchdl.losses.crossentropy import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from scratchdl.losses.regression import (
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SquaredHinge,
)

__all__ = [
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError",
    "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge", "CosineSimilarity",
    "LossFunctionWrapper", "get", "names", "EPSILON",
]  # fmt: skip

_CLASSES = [MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, LogCosh, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
    CosineSimilarity]  # fmt: skip
_REGISTRY = {
    **{c.name: c for c in _CLASSES}, **{c.__name__: c for c in _CLASSES},
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "kld": KLDivergence, "KLD": KLDivergence, "huber": Huber, "logcosh": LogCosh,
    "kullback_leibler_divergence": KLDivergence,
}  # fmt: skip


def names() -> list[str]:
    """Every string ``get`` accepts (case-sensitive, as Keras)."""
    return sorted(_REGISTRY)


def get(identifier: str | dict[str, Any] | Loss | Callable[..., ArrayLike] | None) -> Loss | None:
    """None -> None; a Loss -> itself; a Keras string; {"class_name", "config"}; a function."""
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(
                f"Could not interpret loss identifier: {identifier}. Valid names: {names()}"
            )
        return _REGISTRY[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _REGISTRY:
        return _REGISTRY[identifier["class_name"]](**dict(identifier.get("config") or {}))
    if callable(identifier):
        cls = _FUNCTIONS.get(identifier)
        return cls() if cls else LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Valid names: {names()}")


def _function(cls):
    def fn(y_true, y_pred, **kwargs):
        return cls(reduction="none", **kwargs)(y_true, y_pred)

    fn.__name__ = fn.__qualname__ = cls.name
    fn.__doc__ = f"Per-sample {cls.name} (Keras order: y_true, y_pred); see {cls.__name__}."
    return fn


# Keras's loss functions: one value per sample (the last axis reduced), no reduction.
mean_squared_error = mse = MSE = _function(MeanSquaredError)
mean_absolute_error = mae = MAE = _function(MeanAbsoluteError)
mean_absolute_percentage_error = mape = MAPE = _function(MeanAbsolutePercentageError)
mean_squared_logarithmic_error = msle = MSLE = _function(MeanSquaredLogarithmicError)
binary_crossentropy = bce = BCE = _function(BinaryCrossentropy)
categorical_crossentropy = _function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy)
kl_divergence = kld = KLD = _function(KLDivergence)
huber, log_cosh, poisson = _function(Huber), _function(LogCosh), _function(Poisson)
hinge, squared_hinge = _function(Hinge), _function(SquaredHinge)
categorical_hinge, cosine_similarity = _function(CategoricalHinge), _function(CosineSimilarity)
_FUNCTIONS = {f: c for c in _CLASSES for f in [globals().get(c.name)] if f is not None}
_FUNCTIONS[huber] = Huber
