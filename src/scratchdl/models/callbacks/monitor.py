"""Monitoring a logged quantity: mode resolution, EarlyStopping.

Mode ``"auto"`` (Keras 3's rule, docs/keras-reference.md A9): strip ``val_``; ``loss``
means min; otherwise ask the model which way the compiled metric of that name goes
(``model.metric_direction(name)``: ``"up"`` -> max, ``"down"`` -> min); if nobody knows,
raise ValueError asking for ``mode="max"`` or ``mode="min"``. An unknown mode warns and
falls back to ``"auto"``.

Convention: tf.keras 2.x decided ``"auto"`` by the name (EarlyStopping: max if the name
ends in ``acc``/``accuracy``/``auc``; ModelCheckpoint and ReduceLROnPlateau: max if
``"acc"`` is in it). Both rules agree on everything the notes monitor (``val_loss``,
``val_accuracy``, ``val_acc``); the metric's own direction is right for the rest
(``val_mae`` is min, though it contains no "acc").
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from scratchdl.models.callbacks.base import Callback

__all__ = ["EarlyStopping", "check_mode", "resolve_direction", "improved"]


def check_mode(owner: str, mode: str) -> str:
    """Return ``mode`` if valid; warn and return ``"auto"`` otherwise."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode {mode} is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


def resolve_direction(owner: str, monitor: str, mode: str, model: Any) -> str:
    """``"min"`` or ``"max"`` for ``monitor`` under ``mode`` (see the module docstring)."""
    if mode in ("min", "max"):
        return mode
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return "min"
    lookup = getattr(model, "metric_direction", None)
    direction = lookup(name) if lookup is not None else None
    if direction in ("up", "down"):
        return "max" if direction == "up" else "min"
    raise ValueError(
        f"{owner} callback received monitor={monitor!r} but scratchdl cannot tell whether "
        "that metric should be maximized or minimized. Pass mode='max' to use the highest "
        "value, or mode='min' to use the lowest value."
    )


def improved(current: float, reference: float, direction: str, min_delta: float = 0.0) -> bool:
    """Whether ``current`` beats ``reference`` by more than ``min_delta`` (>= 0).

    max: ``current - min_delta > reference``; min: ``current + min_delta < reference``.
    """
    if direction == "max":
        return current - min_delta > reference
    return current + min_delta < reference


def initial_best(direction: str) -> float:
    return -math.inf if direction == "max" else math.inf


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has stopped improving.

    Algorithm, at each ``on_epoch_end(epoch)`` with ``epoch >= start_from_epoch`` and the
    monitor present in the logs (docs/keras-reference.md A9, Keras 3)::

        if restore_best_weights and no weights stored: store the current weights
        wait += 1
        if current beats best by min_delta:            # current -/+ |min_delta| vs best
            best, best_epoch = current, epoch; store weights if restore_best_weights
            if baseline is None or current beats baseline: wait = 0
        elif wait >= patience and epoch > 0:
            model.stop_training = True; stopped_epoch = epoch

    ``best`` starts at -inf (max) or +inf (min), so the first value always improves.

    Args:
        monitor: log key, default ``"val_loss"``.
        min_delta: smallest change that counts as improvement (its sign is ignored).
        patience: epochs without improvement before stopping.
        verbose: 1 prints ``Epoch {n}: early stopping`` and ``Restoring model weights from
            the end of the best epoch: {k}.`` at train end.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: a value the monitor must beat for ``wait`` to reset.
        restore_best_weights: put back the best epoch's weights at train end.
        start_from_epoch: epochs to ignore (warm-up) before monitoring.

    Convention: weights are restored in ``on_train_end`` even when training was not
    stopped early (Keras 3 and tf-keras >= 2.16); tf.keras <= 2.15 restored only when it
    stopped, printing "Restoring ..." before "early stopping". ``best`` is reset at every
    ``fit`` (tf.keras), so one instance can serve several fits.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer, received {patience!r}")
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.min_delta = abs(min_delta)
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = check_mode("EarlyStopping", mode)
        self.direction = None
        self.on_train_begin()

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.direction is None:
            self.direction = resolve_direction("EarlyStopping", self.monitor, self.mode, self.model)
        if self.best is None:
            self.best = initial_best(self.direction)
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if improved(current, self.best, self.direction, self.min_delta):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or improved(
                current, self.baseline, self.direction, self.min_delta
            ):
                self.wait = 0
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict[str, float] | None) -> float | None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
