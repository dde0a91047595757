"""``keras.losses``: the engine's loss classes, plus Keras's per-sample loss functions.

``losses.categorical_crossentropy(y_true, y_pred)`` returns one value per sample
(the class with ``reduction="none"``), as in Keras; the strings of ``compile``
(``loss="categorical_crossentropy"``) resolve to the classes.
"""

from scratchdl.losses import *  # noqa: F403
from scratchdl.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from scratchdl.losses import __all__ as _engine_all


def _per_sample_function(cls, name):
    def loss_function(y_true, y_pred, **kwargs):
        return cls(reduction="none", **kwargs)(y_true, y_pred)

    loss_function.__name__ = loss_function.__qualname__ = name
    loss_function.__doc__ = f"Per-sample {cls.__name__}: ``{cls.__name__}(reduction='none')``."
    return loss_function


categorical_crossentropy = _per_sample_function(CategoricalCrossentropy, "categorical_crossentropy")
sparse_categorical_crossentropy = _per_sample_function(
    SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"
)
binary_crossentropy = _per_sample_function(BinaryCrossentropy, "binary_crossentropy")
mean_squared_error = mse = _per_sample_function(MeanSquaredError, "mean_squared_error")
mean_absolute_error = mae = _per_sample_function(MeanAbsoluteError, "mean_absolute_error")

__all__ = [
    *_engine_all,
    "binary_crossentropy",
    "categorical_crossentropy",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]
