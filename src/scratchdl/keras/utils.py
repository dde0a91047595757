"""``keras.utils``: to_categorical and set_random_seed."""

from scratchdl.datasets.utils import to_categorical
from scratchdl.random import set_random_seed

__all__ = ["to_categorical", "set_random_seed"]
