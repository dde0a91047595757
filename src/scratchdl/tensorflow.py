"""A stand-in for ``import tensorflow as tf`` in class notes.

``import scratchdl.tensorflow as tf`` gives ``tf.keras`` (the Keras face),
``tf.random.set_seed``, ``tf.keras.experimental`` and ``tf.__version__`` (the
scratchdl version), so notes that spell ``tf.keras.optimizers.Adam(...)`` run after
changing only the import line.
"""

from types import SimpleNamespace

from scratchdl import __version__, keras
from scratchdl.random import set_random_seed

__all__ = ["__version__", "keras", "random"]

random = SimpleNamespace(set_seed=set_random_seed)
