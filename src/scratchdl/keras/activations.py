"""``keras.activations``: the engine's activations under their Keras names."""

from scratchdl.activations import *  # noqa: F403
from scratchdl.activations import __all__  # noqa: F401
