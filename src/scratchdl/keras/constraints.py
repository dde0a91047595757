"""``keras.constraints``: the engine's constraints under their Keras names.

tf.keras also exposes the snake_case aliases ``max_norm``, ``non_neg``,
``unit_norm`` and ``min_max_norm`` (the same classes).
"""

from scratchdl.constraints import *  # noqa: F403
from scratchdl.constraints import MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from scratchdl.constraints import __all__ as _engine_all

max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

__all__ = [*_engine_all, "max_norm", "non_neg", "unit_norm", "min_max_norm"]
