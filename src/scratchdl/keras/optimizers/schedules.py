"""``keras.optimizers.schedules``: learning rate as a function of the step."""

from scratchdl.schedules import *  # noqa: F403
from scratchdl.schedules import __all__  # noqa: F401
