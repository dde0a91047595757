"""The callback hooks, the list that dispatches them, and History.

Hooks (``reference/keras.md`` A9): ``on_{train,test,predict}_{begin,end}(logs)``,
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

__all__ = ["HOOKS", "Callback", "CallbackList", "History"]

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

    def __init__(self):
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """tf.keras alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """tf.keras alias of ``on_train_batch_end``."""

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _implements(callback, hook):
    """Whether ``callback`` does something in ``hook`` (a class that overrides it)."""
    if not isinstance(callback, Callback):
        return True  # a duck-typed object: always call it
    names = (hook, _ALIASES[hook]) if hook in _ALIASES else (hook,)
    return any(getattr(type(callback), n) is not getattr(Callback, n) for n in names)


def _check_callback(callback):
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

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = []
        for callback in callbacks or []:
            _check_callback(callback)
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
        from scratchdl.models.callbacks.loggers import ProgbarLogger

        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())

    def _index_hooks(self):
        self._active = {
            hook: [cb for cb in self.callbacks if _implements(cb, hook)] for hook in HOOKS
        }

    @property
    def history(self):
        """The History in the list, or None."""
        return next((cb for cb in self.callbacks if isinstance(cb, History)), None)

    def append(self, callback):
        _check_callback(callback)
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

    def implements(self, hook):
        """Whether any callback overrides ``hook`` (fit skips batch hooks otherwise)."""
        return bool(self._active[hook])

    def set_model(self, model):
        self.model = model
        history = self.history
        if history is not None:
            model.history = history
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
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

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call_indexed("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call_indexed("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_indexed("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_indexed("on_train_batch_end", batch, logs)

    on_batch_begin = on_train_batch_begin
    on_batch_end = on_train_batch_end

    def on_test_batch_begin(self, batch, logs=None):
        self._call_indexed("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_indexed("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_indexed("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_indexed("on_predict_batch_end", batch, logs)


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

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(_python_value(value))
        if self.model is not None:
            self.model.history = self
