"""``keras.backend``: the few functions notes still call."""

from __future__ import annotations

from typing import NoReturn

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.layers.base import reset_name_counters

__all__ = [
    "epsilon",
    "floatx",
    "clear_session",
    "image_data_format",
    "get_value",
    "set_value",
]


def epsilon() -> float:
    """The fuzz factor used by losses and constraints: 1e-7."""
    return 1e-7


def floatx() -> str:
    return "float32"


def image_data_format() -> str:
    return "channels_last"


def clear_session() -> None:
    """Reset layer/model auto-names (``dense``, ``dense_1``, ...)."""
    reset_name_counters()


def get_value(x: ArrayLike) -> np.generic | np.ndarray:
    """tf.keras 2.x's ``K.get_value(model.optimizer.lr)``: the value as a NumPy value."""
    return np.asarray(x)[()]


def set_value(x: object, value: float) -> NoReturn:
    """tf.keras 2.x's ``K.set_value(var, value)`` needs a variable; scratchdl has none.

    ``K.set_value(model.optimizer.lr, 0.001)`` is written here as
    ``model.optimizer.learning_rate = 0.001`` (Keras 3 removed set_value too).
    """
    raise TypeError(
        f"backend.set_value cannot change {x!r}: scratchdl holds plain numbers, not "
        f"variables. To change the learning rate write "
        f"model.optimizer.learning_rate = {value!r}"
    )
