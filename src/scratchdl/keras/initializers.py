"""``keras.initializers``: the engine's initializers under their Keras names."""

from scratchdl.initializers import *  # noqa: F403
from scratchdl.initializers import __all__  # noqa: F401
