"""Keras callbacks on scratchdl: hooks that fit calls at train/epoch/batch boundaries.

docs/keras.md ("Callbacks") lists the behaviour each one follows; where Keras 3 and
tf.keras 2.x differ the class docstrings say which one we follow (mostly tf.keras 2.x,
what the students' notes were written for).
"""

from scratchdl.models.callbacks.base import HOOKS, Callback, History
from scratchdl.models.callbacks.checkpoint import BackupAndRestore, ModelCheckpoint
from scratchdl.models.callbacks.dispatch import CallbackList
from scratchdl.models.callbacks.learning_rate import LearningRateScheduler, ReduceLROnPlateau
from scratchdl.models.callbacks.loggers import (
    CSVLogger,
    LambdaCallback,
    ProgbarLogger,
    TerminateOnNaN,
)
from scratchdl.models.callbacks.monitor import EarlyStopping

__all__ = [
    "HOOKS",
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
