"""CallbackList: dispatches each hook to the callbacks that implement it, in list order.

Kept apart from ``base`` (the hooks and History) because it appends the default
ProgbarLogger from ``loggers``, which itself builds on ``base``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scratchdl.models.callbacks.base import HOOKS, Callback, History, check_callback, implements
from scratchdl.models.callbacks.loggers import ProgbarLogger

__all__ = ["CallbackList"]


class CallbackList:
    """Calls a hook on every callback, in list order, passing one shared ``logs`` dict.

    Args:
        callbacks: list of Callback instances.
        add_history: append a History if there is none.
        add_progbar: append a ProgbarLogger (after History, as Keras 3 and tf.keras
            >= 2.10 do) if there is none.
        model, **params: passed to ``set_model`` / ``set_params``.

    A hook is dispatched only to the callbacks that override it, so an empty batch
    hook costs one loop over an empty list per batch.
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        self.callbacks = []
        for callback in callbacks or []:
            check_callback(callback)
            self.callbacks.append(callback)
        self._add_defaults(add_history, add_progbar)
        self._index_hooks()
        self.model = None
        self.params = {}
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def _add_defaults(self, add_history, add_progbar):
        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())

    def _index_hooks(self):
        self._active = {
            hook: [cb for cb in self.callbacks if implements(cb, hook)] for hook in HOOKS
        }

    @property
    def history(self) -> History | None:
        """The History in the list, or None."""
        return next((cb for cb in self.callbacks if isinstance(cb, History)), None)

    def append(self, callback: Callback) -> None:
        check_callback(callback)
        self.callbacks.append(callback)
        self._index_hooks()
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    def implements(self, hook: str) -> bool:
        """Whether any callback overrides ``hook`` (fit skips batch hooks otherwise)."""
        return bool(self._active[hook])

    def set_model(self, model: Any) -> None:
        self.model = model
        history = self.history
        if history is not None:
            model.history = history
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def _call(self, hook, logs):
        logs = {} if logs is None else logs
        for callback in self._active[hook]:
            getattr(callback, hook)(logs)

    def _call_indexed(self, hook, index, logs):
        logs = {} if logs is None else logs
        for callback in self._active[hook]:
            getattr(callback, hook)(index, logs)

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_train_begin", logs)

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_train_end", logs)

    def on_test_begin(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_test_begin", logs)

    def on_test_end(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs: dict[str, float] | None = None) -> None:
        self._call("on_predict_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_train_batch_end", batch, logs)

    on_batch_begin = on_train_batch_begin
    on_batch_end = on_train_batch_end

    def on_test_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self._call_indexed("on_predict_batch_end", batch, logs)
