"""``keras.optimizers.legacy`` (tf.keras 2.11+): the same optimizer classes.

tf.keras kept its pre-2.11 optimizers here (the ones that honour ``lr=`` and
``decay=``); this face's optimizers already accept both, so these are aliases.
"""

from scratchdl.keras.optimizers.compat import CLASSES
from scratchdl.optimizers import Optimizer

SGD = CLASSES["SGD"]
Adadelta = CLASSES["Adadelta"]
Adagrad = CLASSES["Adagrad"]
Adam = CLASSES["Adam"]
Adamax = CLASSES["Adamax"]
Nadam = CLASSES["Nadam"]
RMSprop = CLASSES["RMSprop"]

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "Optimizer", "RMSprop"]
