"""``keras.layers``: the engine's layers under their Keras names."""

from scratchdl.layers import *  # noqa: F403
from scratchdl.layers import __all__ as _ENGINE_NAMES

__all__ = [name for name in _ENGINE_NAMES if name not in ("get", "serialize")]
