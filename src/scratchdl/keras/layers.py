"""``keras.layers``: the engine's layers under their Keras names, plus the merge layers.

``Input`` here is the functional API's (a symbolic tensor); ``Sequential([Input(...),
...])`` accepts it too, as tf.keras does.
"""

from typing import Any

from scratchdl.layers import *  # noqa: F403
from scratchdl.layers import Dense as _EngineDense
from scratchdl.layers import __all__ as _ENGINE_NAMES
from scratchdl.layers.base import check_positive_int
from scratchdl.layers.merge import (  # noqa: F401 - re-exported (see __all__)
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from scratchdl.models.functional import Input  # noqa: F401 - the functional API's Input

_MERGE = ["Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract"]
_MERGE += ["add", "average", "concatenate", "maximum", "minimum", "multiply", "subtract"]
__all__ = [name for name in _ENGINE_NAMES if name not in ("get", "serialize")] + _MERGE


class Dense(_EngineDense):
    """The engine's Dense, also taking tf.keras 2.x's ``input_dim=n`` (``input_shape=(n,)``)."""

    __doc__ = _EngineDense.__doc__

    def __init__(self, units: int, *args: Any, input_dim: int | None = None, **kwargs: Any) -> None:
        if input_dim is not None:
            if kwargs.get("input_shape") is not None:
                raise ValueError("give input_dim or input_shape, not both")
            kwargs["input_shape"] = (check_positive_int("input_dim", input_dim),)
        super().__init__(units, *args, **kwargs)
