"""``keras.regularizers``: the engine's regularizers under their Keras names."""

from scratchdl.regularizers import *  # noqa: F403
from scratchdl.regularizers import __all__  # noqa: F401
