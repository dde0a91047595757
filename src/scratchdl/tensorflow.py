"""A stand-in for ``import tensorflow as tf`` in class notes.

``import scratchdl.tensorflow as tf`` gives ``tf.keras`` (the Keras face),
``tf.random.set_seed`` and ``tf.keras.experimental``, so notes that spell
``tf.keras.optimizers.Adam(...)`` run after changing only the import line.
"""

from types import SimpleNamespace

from scratchdl import keras
from scratchdl.random import set_random_seed

__all__ = ["keras", "random"]

random = SimpleNamespace(set_seed=set_random_seed)
