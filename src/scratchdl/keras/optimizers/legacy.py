"""``keras.optimizers.legacy`` (tf.keras 2.11+): the same optimizer classes.

tf.keras kept its pre-2.11 optimizers here (the ones that honour ``lr=`` and
``decay=``); scratchdl's optimizers already accept both, so these are aliases.
"""

from scratchdl.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, Optimizer, RMSprop

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "Optimizer", "RMSprop"]
