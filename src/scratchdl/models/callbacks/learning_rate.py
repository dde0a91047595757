"""Callbacks that change the optimizer's learning rate between epochs.

Both log the learning rate of the epoch under the key ``lr`` (tf.keras 2.x, what the
notes plot and what the progress bar shows as ``- lr: 0.0010``). Keras 3 uses the key
``learning_rate`` instead.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from scratchdl.models.callbacks.base import Callback
from scratchdl.models.callbacks.monitor import check_mode, improved, initial_best, resolve_direction

__all__ = ["LR_LOG_KEY", "LearningRateScheduler", "ReduceLROnPlateau"]

LR_LOG_KEY = "lr"


def _optimizer(owner, model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(
            f"{owner} needs a compiled model with an optimizer; call "
            "model.compile(optimizer=...) before fit"
        )
    return optimizer


def get_lr(owner: str, model: Any) -> float:
    return float(_optimizer(owner, model).learning_rate)


def set_lr(owner: str, model: Any, value: float) -> None:
    _optimizer(owner, model).learning_rate = value


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` stops improving.

    Update, at each ``on_epoch_end(epoch)`` (docs/keras-reference.md A9)::

        logs["lr"] = lr
        if cooldown_counter > 0: cooldown_counter -= 1; wait = 0
        if current beats best by min_delta: best = current; wait = 0
        elif cooldown_counter == 0:
            wait += 1
            if wait >= patience and lr > float32(min_lr):
                lr = max(lr * factor, min_lr); cooldown_counter = cooldown; wait = 0

    Args:
        monitor: log key (default ``"val_loss"``); mode ``"auto"``/``"min"``/``"max"``.
        factor: new_lr = lr * factor, must be < 1.
        patience: epochs without improvement before a reduction.
        verbose: 1 prints ``Epoch {e+1}: ReduceLROnPlateau reducing learning rate to {lr}.``
        min_delta: improvement threshold (``current < best - min_delta`` for min).
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound of the learning rate.

    Convention: tf.keras's deprecated ``epsilon=`` is accepted as ``min_delta`` (with a
    warning); the lr is logged under ``lr`` (Keras 3: ``learning_rate``).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn(
                "`epsilon` argument is deprecated and will be removed, use `min_delta` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to ReduceLROnPlateau: {kwargs}"
            )
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0, received factor={factor}"
            )
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self.mode = check_mode("ReduceLROnPlateau", mode)
        self.direction = None
        self._reset()

    def _reset(self):
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = {} if logs is None else logs
        logs[LR_LOG_KEY] = get_lr("ReduceLROnPlateau", self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
            return
        if self.direction is None:
            self.direction = resolve_direction(
                "ReduceLROnPlateau", self.monitor, self.mode, self.model
            )
        if self.best is None:
            self.best = initial_best(self.direction)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if improved(current, self.best, self.direction, self.min_delta):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = get_lr("ReduceLROnPlateau", self.model)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_lr("ReduceLROnPlateau", self.model, new_lr)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0


def _takes_two_arguments(function):
    """Whether ``function(epoch, lr)`` is a valid call (None if the signature is hidden)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch: ``lr = schedule(epoch, lr)``.

    ``epoch`` is 0-based. A one-argument ``schedule(epoch)`` works too (Keras falls back
    to it on TypeError; we look at the signature first, so a TypeError raised inside a
    two-argument schedule is not hidden). The result must be a float (Python float or
    NumPy floating scalar), else ValueError. At epoch end the lr is logged under ``lr``.

    Args:
        schedule: ``f(epoch, lr) -> float`` or ``f(epoch) -> float``.
        verbose: 1 prints ``Epoch {e+1}: LearningRateScheduler setting learning rate to
            {lr}.`` (preceded by a newline, as tf.keras does).
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"schedule must be callable, received {schedule!r}")
        self.schedule, self.verbose = schedule, verbose

    def _call_schedule(self, epoch, lr):
        two = _takes_two_arguments(self.schedule)
        if two:
            return self.schedule(epoch, lr)
        if two is False:
            return self.schedule(epoch)
        try:
            return self.schedule(epoch, lr)
        except TypeError:
            return self.schedule(epoch)

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        lr = self._call_schedule(epoch, get_lr("LearningRateScheduler", self.model))
        if isinstance(lr, np.ndarray) and lr.ndim == 0:
            lr = lr[()]
        if not isinstance(lr, (float, np.floating)):
            raise ValueError(
                'The output of the "schedule" function should be a float, '
                f"received {lr!r} of type {type(lr).__name__} at epoch {epoch}"
            )
        lr = float(lr)
        set_lr("LearningRateScheduler", self.model, lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if logs is not None:
            logs[LR_LOG_KEY] = get_lr("LearningRateScheduler", self.model)
