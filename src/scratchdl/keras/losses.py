"""``keras.losses``: the engine's losses under their Keras names."""

from scratchdl.losses import *  # noqa: F403
from scratchdl.losses import __all__  # noqa: F401
