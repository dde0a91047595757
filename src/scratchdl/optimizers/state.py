"""Saving and restoring an optimizer: its state keyed by parameter path, and its config.

State layout (what ``get_state`` returns and ``set_state`` expects)::

    {"iterations": array(k),                       # int64 scalar
     "dense/kernel/momentum": array(shape of dense/kernel),
     "dense/bias/momentum":   array(shape of dense/bias), ...
     "u_product": array(p)}                         # Nadam only: scalar state

Keys are parameter paths plus the slot name (Keras 3's slot names), never ``id()``,
so a state saved to disk is matched to the parameters by name.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:  # annotation only
    from scratchdl.variables import ParamStore

__all__ = ["StateMixin"]

_O = TypeVar("_O", bound="StateMixin")


class StateMixin:
    """``get_state``/``set_state``/``get_config``/``from_config`` for ``Optimizer``."""

    # Set by Optimizer.__init__ and Optimizer.build; declared here for type checkers.
    name: str
    iterations: int
    built: bool
    weight_decay: float | None
    clipnorm: float | None
    global_clipnorm: float | None
    clipvalue: float | None
    decay: float
    _store: ParamStore | None
    _slots: dict[str, np.ndarray]
    _pending_state: dict | None

    def _extra_state(self) -> dict:
        """Scalar state besides ``iterations`` (Nadam's ``u_product``)."""
        return {}

    def _set_extra_state(self, state: dict) -> None:
        pass

    def get_state(self) -> dict:
        """Copies of every slot, keyed ``"<path>/<slot>"``, plus ``"iterations"``."""
        state = {"iterations": np.array(self.iterations, dtype=np.int64)}
        if self.built:
            for t in self._store.tensors:
                for slot, arr in self._slots.items():
                    state[f"{t.path}/{slot}"] = arr[t.start : t.stop].reshape(t.shape).copy()
        state.update(self._extra_state())
        return state

    def _expected_keys(self) -> dict:
        keys = {"iterations": (), **{k: () for k in self._extra_state()}}
        for t in self._store.tensors:
            for slot in self._slots:
                keys[f"{t.path}/{slot}"] = t.shape
        return keys

    def set_state(self, state: dict) -> None:
        """Restore ``get_state()``'s dict.  Before ``build`` it is kept and applied at build.

        Raises ValueError naming missing, unexpected or wrongly shaped entries;
        nothing is changed when it raises.
        """
        state = dict(state)
        if not self.built:
            self._pending_state = state
            if "iterations" in state:
                self.iterations = int(state["iterations"])
            return
        expected = self._expected_keys()
        missing = sorted(set(expected) - set(state))
        unexpected = sorted(set(state) - set(expected))
        if missing or unexpected:
            raise ValueError(
                f"optimizer state for {self.name} does not match its parameters: "
                f"missing {missing}, unexpected {unexpected}"
            )
        for key, shape in expected.items():
            got = np.shape(state[key])
            if got != tuple(shape):
                raise ValueError(
                    f"optimizer state entry {key!r} has shape {got}, expected {tuple(shape)}"
                )
        for t in self._store.tensors:
            for slot, arr in self._slots.items():
                arr[t.start : t.stop] = np.asarray(state[f"{t.path}/{slot}"]).ravel()
        self.iterations = int(state["iterations"])
        self._set_extra_state(state)

    # -- config ----------------------------------------------------------------
    def _learning_rate_config(self):
        """A number, or a schedule's ``{"class_name", "config"}`` when it loads back.

        A schedule that cannot be rebuilt from its config (a plain function, a user
        class unknown to ``scratchdl.schedules``) is recorded as its current value,
        with a warning, so that saving a trained model never fails.
        """
        if self._schedule is None:
            return self._lr
        try:
            from scratchdl import schedules

            config = schedules.serialize(self._schedule)
            schedules.deserialize(config)
            return config
        except (ImportError, AttributeError, TypeError, ValueError):
            warnings.warn(
                f"the learning-rate schedule {self._schedule!r} cannot be rebuilt from a "
                f"config; recording its current value {self.learning_rate} instead",
                UserWarning,
                stacklevel=3,
            )
            return self.learning_rate

    def get_config(self) -> dict:
        """Constructor arguments (JSON-serialisable); schedules as {"class_name", "config"}."""
        config = {
            "name": self.name,
            "learning_rate": self._learning_rate_config(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls: type[_O], config: dict) -> _O:
        """Rebuild an optimizer (without its state) from ``get_config()``."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from scratchdl import schedules

            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cfg = self.get_config()
        args = ", ".join(f"{k}={v!r}" for k, v in cfg.items() if v is not None and k != "name")
        return f"{type(self).__name__}({args})"
