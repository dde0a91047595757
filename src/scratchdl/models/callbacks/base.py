"""The callback hooks, the list that dispatches them, and History.

Hooks (docs/keras-reference.md A9): ``on_{train,test,predict}_{begin,end}(logs)``,
``on_epoch_{begin,end}(epoch, logs)`` and ``on_{train,test,predict}_batch_{begin,end}
(batch, logs)``; ``epoch`` and ``batch`` are 0-based. ``logs`` is a dict of floats;
at epoch end it holds the epoch's running means (``loss`` first, then the metrics in
compile order, then ``val_loss``, ``val_*``), and a callback may add keys to it (e.g.
ReduceLROnPlateau's ``lr``) that the callbacks after it see.

Convention: tf.keras 2.x's aliases ``on_batch_begin``/``on_batch_end`` are kept: the
default ``on_train_batch_begin`` calls ``on_batch_begin``, so old notes that override
``on_batch_end`` still work.
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["HOOKS", "Callback", "History", "check_callback", "implements"]

HOOKS = tuple(
    [f"on_{mode}_{when}" for mode in ("train", "test", "predict") for when in ("begin", "end")]
    + ["on_epoch_begin", "on_epoch_end"]
    + [
        f"on_{mode}_batch_{when}"
        for mode in ("train", "test", "predict")
        for when in ("begin", "end")
    ]
)


class Callback:
    """Base class: every hook does nothing; subclasses override the ones they need.

    Attributes:
        model: the model being trained (set by ``set_model``).
        params: ``{"verbose": v, "epochs": E, "steps": steps_per_epoch}`` from fit.
    """

    model = None

    def __init__(self) -> None:
        self.model = None
        self.params = {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_test_begin(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_test_end(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_predict_begin(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_predict_end(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_train_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        """tf.keras alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        """tf.keras alias of ``on_train_batch_end``."""

    def on_test_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_test_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_predict_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_predict_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        pass


_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def implements(callback: object, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook`` (a class that overrides it)."""
    if not isinstance(callback, Callback):
        return True  # a duck-typed object: always call it
    names = (hook, _ALIASES[hook]) if hook in _ALIASES else (hook,)
    return any(getattr(type(callback), n) is not getattr(Callback, n) for n in names)


def check_callback(callback: object) -> None:
    """Raise a clear error unless ``callback`` is a Callback instance (or has every hook)."""
    if isinstance(callback, type):
        raise ValueError(
            f"callbacks must be Callback instances, received the class {callback.__name__} "
            f"(write {callback.__name__}(...) with parentheses)"
        )
    missing = [hook for hook in HOOKS if not callable(getattr(callback, hook, None))]
    if missing:
        raise ValueError(
            f"callbacks must be Callback instances, received {callback!r} "
            f"(of type {type(callback).__name__}, missing {', '.join(missing)})"
        )


def _python_value(value):
    """NumPy scalars become Python numbers (what tf.keras stores in History)."""
    if isinstance(value, numbers.Number) and hasattr(value, "item"):
        return value.item()
    return value


class History(Callback):
    """Records the epoch logs: ``history.history[key]`` is a list with one value per epoch.

    Attributes:
        history: dict key -> list, keys in the order the logs give them (tf.keras 2.x:
            ``loss``, the metrics in compile order, ``val_loss``, ``val_*``, then keys
            callbacks added, e.g. ``lr``).
        epoch: the 0-based epoch indices that ran (``[3, 4]`` after a resume at 3).
        params, model: as set by fit.

    Convention: Keras 3 sorts the keys alphabetically (``accuracy, loss, val_accuracy,
    val_loss``); tf.keras 2.x, which the notes use, keeps the order above. Values are
    Python floats, as tf.keras stores them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(_python_value(value))
        if self.model is not None:
            self.model.history = self
