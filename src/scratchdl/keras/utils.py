"""``keras.utils``: to_categorical and set_random_seed."""

from scratchdl.datasets.utils import to_categorical
from scratchdl.models.custom_step import unpack_data as unpack_x_y_sample_weight
from scratchdl.random import set_random_seed

__all__ = ["to_categorical", "set_random_seed", "unpack_x_y_sample_weight"]
