"""``keras.callbacks``: the engine's callbacks under their Keras names."""

from scratchdl.callbacks import *  # noqa: F403
from scratchdl.callbacks import __all__  # noqa: F401
