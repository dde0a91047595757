"""``keras.metrics``: the engine's metrics under their Keras names."""

from scratchdl.metrics import *  # noqa: F403
from scratchdl.metrics import __all__  # noqa: F401
