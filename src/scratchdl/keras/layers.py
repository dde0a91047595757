"""``keras.layers``: the engine's layers under their Keras names, plus the merge layers.

``Input`` here is the functional API's (a symbolic tensor); ``Sequential([Input(...),
...])`` accepts it too, as tf.keras does.
"""

from scratchdl.layers import *  # noqa: F403
from scratchdl.layers import __all__ as _ENGINE_NAMES
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
