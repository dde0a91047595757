"""``keras.optimizers`` (and ``keras.optimizers.schedules``, ``keras.optimizers.legacy``).

The classes are the engine's optimizers with tf.keras 2.x's spellings added
(``lr=``, ``decay=``, ``optimizer.lr``; see ``compat``).  ``get`` resolves names and
configs to these classes, so ``compile(optimizer="adam")`` gives an optimizer whose
``.lr`` works as the notes expect.
"""

from __future__ import annotations

import warnings
from typing import Any

from scratchdl.keras.optimizers import legacy, schedules
from scratchdl.keras.optimizers.compat import CLASSES
from scratchdl.optimizers import Optimizer, serialize
from scratchdl.optimizers import get as _engine_get

SGD = CLASSES["SGD"]
Adam = CLASSES["Adam"]
AdamW = CLASSES["AdamW"]
Adagrad = CLASSES["Adagrad"]
RMSprop = CLASSES["RMSprop"]
Adadelta = CLASSES["Adadelta"]
Adamax = CLASSES["Adamax"]
Nadam = CLASSES["Nadam"]

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "legacy",
    "schedules",
    "serialize",
]


def _face_class(optimizer):
    """The same optimizer as an instance of this face's class (state not yet built)."""
    cls = CLASSES.get(type(optimizer).__name__)
    if cls is None or isinstance(optimizer, cls):
        return optimizer
    with warnings.catch_warnings():  # a saved decay= is not the user's line
        warnings.simplefilter("ignore", FutureWarning)
        return cls.from_config(optimizer.get_config())


def get(identifier: str | dict[str, Any] | Optimizer) -> Optimizer:
    """As ``scratchdl.optimizers.get``, but names and configs give this face's classes."""
    if isinstance(identifier, Optimizer):
        return identifier
    return _face_class(_engine_get(identifier))


def deserialize(config: str | dict[str, Any] | Optimizer) -> Optimizer:
    """The inverse of ``serialize``, as this face's class."""
    return _face_class(_engine_get(dict(config)) if isinstance(config, dict) else get(config))
