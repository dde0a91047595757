"""``keras.callbacks``: the engine's callbacks under their Keras names."""

from scratchdl.models.callbacks import *  # noqa: F403
from scratchdl.models.callbacks import __all__  # noqa: F401
