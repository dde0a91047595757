"""``keras.constraints``: the engine's constraints under their Keras names."""

from scratchdl.constraints import *  # noqa: F403
from scratchdl.constraints import __all__  # noqa: F401
