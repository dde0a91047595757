"""The Optimizer base class: one step on the flat parameter store, in Keras's order.

One ``apply(store)`` (docs/keras-reference.md A4):

    1. clip the gradient: clipnorm (per tensor) | global_clipnorm | clipvalue
    2. decoupled weight decay        w -= w*weight_decay*lr   (before the step)
    3. update_step(g, w, lr)         the rule of the subclass, on the WHOLE flat buffer
    4. constraints                   w[...] = constraint(w), per tensor that has one
    5. iterations += 1

``lr`` is ``learning_rate`` evaluated at ``iterations`` (0 on the first step) when
it is a schedule, divided by ``1 + decay*iterations`` when the legacy ``decay=``
was given.  Steps 1-3 and 5 use a fixed number of NumPy calls whatever the
number of layers; only step 4 loops, over the tensors that have a constraint.

Optimizer state (``get_state``) is keyed by parameter path, never by ``id()``:
``{"iterations": array(k), "dense/kernel/momentum": array, ...}``.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from scratchdl.optimizers.state import StateMixin
from scratchdl.variables import ParamStore, Variable

if TYPE_CHECKING:  # annotation only
    from scratchdl.variables import ParamStore

__all__ = ["Optimizer", "check_number"]

# Keras 3 base arguments scratchdl accepts but does not implement (only their defaults).
_UNSUPPORTED = {"use_ema": False, "loss_scale_factor": None, "gradient_accumulation_steps": None}
_IGNORED = ("ema_momentum", "ema_overwrite_frequency", "jit_compile", "is_legacy_optimizer")


def check_number(
    name: str, value: float, low: float = 0.0, high: float = math.inf, high_open: bool = False
) -> float:
    """``value`` as a float in [low, high] (or [low, high)); else ValueError quoting it.

    Ints are accepted (as tf.keras does; Keras 3 requires floats); bools and
    strings are not.
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    v = float(value) if ok else math.nan
    inside = low <= v < high if high_open else low <= v <= high
    if not inside:
        bracket = ")" if high_open else "]"
        raise ValueError(
            f"{name} must be a number in [{low}, {high}{bracket}, received {name}={value!r}"
        )
    return v


def _check_positive_or_none(name, value):
    if value is None:
        return None
    v = check_number(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be a positive number or None, received {name}={value!r}")
    return v


def _takes_step(fn) -> bool:
    """True if the schedule callable takes the step (Keras also allows a no-argument one)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in kinds or p.kind == inspect.Parameter.VAR_POSITIONAL for p in params)


def store_of(variables: Sequence[Variable]) -> ParamStore:
    """The flat store holding exactly ``variables`` (a new one when none does)."""
    for v in variables:
        if not isinstance(v, Variable):
            raise TypeError(f"apply_gradients needs Variables, received {type(v).__name__}")
        if v.dtype.kind != "f":
            raise TypeError(f"variable {v.path!r} has dtype {v.dtype}; only floats are trained")
    ids = {id(v) for v in variables}
    if len(ids) != len(variables):
        raise ValueError("apply_gradients received the same variable twice")
    store = variables[0]._store
    if store is not None and store.is_home() and {id(t.variable) for t in store.tensors} == ids:
        return store
    dtypes = {v.dtype for v in variables}
    if len(dtypes) > 1:
        raise TypeError(f"apply_gradients needs variables of one dtype, received {dtypes}")
    return ParamStore(dtypes.pop()).bind_variables(variables)


class Optimizer(StateMixin):
    """Base class.  Subclasses define ``_slot_specs()`` and ``update_step(g, w, lr)``.

    Args (Keras names and defaults, docs/keras-reference.md A4):
        learning_rate: a number >= 0 or a schedule (any callable taking the step,
            e.g. ``scratchdl.schedules.ExponentialDecay``); evaluated at ``iterations``.
        weight_decay: decoupled decay ``w -= w*weight_decay*lr`` before each step.
        clipnorm: clip each tensor's gradient to this L2 norm.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.
            Only one of the three clips may be set.
        name: the optimizer's name.
        decay: inverse-time decay of the learning rate, ``lr/(1 + decay*iterations)``
            (tf.keras <= 2.10's ``decay=``; 0 by default).

    Convention: ints are accepted for hyper-parameters (tf.keras); Keras 3 raises.
    The tf.keras spellings ``lr=`` and ``optimizer.lr`` and the deprecation warnings
    of old arguments belong to the Keras face (``scratchdl.keras.optimizers``).
    """

    _n_tmp = 1  # scratch buffers update_step needs
    _data: np.ndarray  # the store's value buffer at the last build (set by build)

    def __init__(
        self,
        learning_rate: float | Callable[..., float],
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        learning_rate = self._pop_legacy(learning_rate, kwargs)
        self._check_extra_kwargs(kwargs)
        self._set_learning_rate(learning_rate)
        self.weight_decay = (
            None if weight_decay is None else check_number("weight_decay", weight_decay)
        )
        self.clipnorm = _check_positive_or_none("clipnorm", clipnorm)
        self.clipvalue = _check_positive_or_none("clipvalue", clipvalue)
        self.global_clipnorm = _check_positive_or_none("global_clipnorm", global_clipnorm)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(v is not None for v in clips.values()) > 1:
            raise ValueError(
                f"only one of clipnorm, clipvalue, global_clipnorm may be set, received {clips}"
            )
        self.name = type(self).__name__ if name is None else str(name)
        self.iterations = 0
        self.built = False
        self._store: ParamStore | None = None
        self._slots: dict[str, np.ndarray] = {}
        self._exclude_names: list[str] = []
        self._exclude_vars: list = []
        self._pending_state: dict | None = None

    # -- arguments -----------------------------------------------------------
    def _pop_legacy(self, learning_rate, kwargs):
        """``decay=``: tf.keras <= 2.10's inverse-time decay ``lr / (1 + decay*iterations)``."""
        self.decay = check_number("decay", kwargs.pop("decay", 0.0))
        return learning_rate

    def _check_extra_kwargs(self, kwargs):
        for key, default in _UNSUPPORTED.items():
            if kwargs.pop(key, default) != default:
                raise ValueError(
                    f"{key} is not supported by scratchdl optimizers, "
                    f"use the default {key}={default!r}"
                )
        for key in _IGNORED:
            kwargs.pop(key, None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")

    def _set_learning_rate(self, value):
        if callable(value):
            self._schedule, self._schedule_takes_step = value, _takes_step(value)
            self._lr = None
            return
        ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, bool
        )
        if not ok or not math.isfinite(float(value)) or float(value) < 0:
            raise ValueError(
                "learning_rate must be a finite number >= 0 or a schedule "
                f"(a callable taking the step), received learning_rate={value!r}"
            )
        self._schedule, self._lr = None, float(value)

    # -- learning rate -------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate at the current ``iterations`` (a schedule is evaluated)."""
        if self._schedule is None:
            return self._lr
        step = self.iterations
        return float(self._schedule(step) if self._schedule_takes_step else self._schedule())

    @learning_rate.setter
    def learning_rate(self, value: float | Callable[..., float]) -> None:
        if self._schedule is not None and not callable(value):
            raise TypeError(
                "this optimizer was created with a learning-rate schedule, so its learning "
                f"rate cannot be set to a number (received {value!r}); create a new optimizer"
            )
        self._set_learning_rate(value)

    def current_learning_rate(self) -> float:
        """The lr the next ``apply`` uses: ``learning_rate``, with legacy ``decay`` applied."""
        lr = self.learning_rate
        return lr / (1.0 + self.decay * self.iterations) if self.decay else lr

    # -- building --------------------------------------------------------------
    def _slot_specs(self) -> dict:
        """Slot name -> initial value (Keras 3's variable names)."""
        return {}

    def build(self, store: ParamStore) -> None:
        """Allocate the flat slot arrays (size ``store.size``, the store's dtype).

        Building again for the same, unchanged store keeps the state (as Keras's
        ``build`` does); a new or re-bound store starts from fresh slots.
        """
        if self.built and store is self._store and store.data is self._data:
            return
        n, dtype = store.size, store.dtype
        self._data = store.data
        self._store = store
        self._slots = {k: np.full(n, v, dtype=dtype) for k, v in self._slot_specs().items()}
        self._tmp = [np.empty(n, dtype=dtype) for _ in range(self._n_tmp)]
        self._gbuf = np.empty(n, dtype=dtype)
        live = [t for t in store.tensors if t.size > 0]
        self._clip_offsets = np.array([t.start for t in live], dtype=np.intp)
        self._clip_sizes = np.array([t.size for t in live], dtype=np.intp)
        self._constraints = []
        for t in store.tensors:
            c = t.variable.constraint if t.variable is not None else None
            if c is not None:
                self._constraints.append((store.view(t.path), c))
        self._decay_mask = self._weight_decay_mask(store)
        self.built = True
        if self._pending_state is not None:
            pending, self._pending_state = self._pending_state, None
            self.set_state(pending)

    def exclude_from_weight_decay(
        self,
        var_list: Sequence[np.ndarray | str] | None = None,
        var_names: Sequence[str] | None = None,
    ) -> None:
        """Exempt tensors from the decoupled weight decay.

        Args:
            var_list: parameter arrays (views, e.g. ``layer.params["bias"]``) or paths.
            var_names: regular expressions searched in each path (Keras: any
                substring match), e.g. ``["bias", "batch_normalization"]``.
        """
        self._exclude_vars = list(var_list or [])
        self._exclude_names = list(var_names or [])
        if self.built:
            self._decay_mask = self._weight_decay_mask(self._store)

    def _excluded(self, store, info) -> bool:
        view = store.view(info.path)
        for var in self._exclude_vars:
            if var == info.path if isinstance(var, str) else np.shares_memory(var, view):
                return True
        return any(re.search(p, info.path) for p in self._exclude_names)

    def _weight_decay_mask(self, store):
        """None: decay everything; "none": decay nothing; else a 0/1 float mask."""
        mask = store.mask(lambda info: not self._excluded(store, info))
        if mask is None:
            return None
        if not mask.any():
            return "none"
        return mask.astype(store.dtype)

    # -- one step ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> None:
        """One step from ``zip(grads, variables)``: the custom training loop's update.

        Gradients (arrays or tensors) are copied into the Variables' ``grad``; then
        the step runs on the flat store that holds exactly these Variables — the
        model's own store when they are all of its trainable weights, so the
        update is the same whole-buffer step as in ``fit``.  A pair whose gradient
        is None is skipped with TensorFlow's warning.
        """
        pairs = list(grads_and_vars)
        missing = [v for g, v in pairs if g is None]
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            names = [getattr(v, "path", repr(v)) for v in missing]
            raise ValueError(f"No gradients provided for any variable: {names}")
        if missing:
            warnings.warn(
                "Gradients do not exist for variables "
                f"{[getattr(v, 'path', repr(v)) for v in missing]} when minimizing the loss.",
                UserWarning,
                stacklevel=2,
            )
        store = store_of([v for _, v in pairs])
        for g, v in pairs:
            v.grad = np.asarray(g, dtype=v.dtype) if not isinstance(g, np.ndarray) else g
        self.apply(store)

    def minimize(self, loss: Any, var_list: Sequence, tape: Any = None) -> None:
        """tf.keras: ``apply_gradients`` of ``tape.gradient(loss, var_list)``."""
        if tape is None:
            raise ValueError(
                "minimize needs the GradientTape that recorded the loss: "
                "optimizer.minimize(loss, var_list, tape=tape)"
            )
        var_list = list(var_list() if callable(var_list) else var_list)
        self.apply_gradients(zip(tape.gradient(loss, var_list), var_list))

    def apply(
        self, store: ParamStore | Sequence, trainable_variables: Sequence | None = None
    ) -> None:
        """One step on ``store.data`` with ``store.grad`` (= dL/dθ), in the order of A4.

        ``store.grad`` is only read: after the step it still holds the gradient of
        the loss, which callbacks and users may print.  Keras 3's spelling
        ``optimizer.apply(grads, trainable_variables)`` is ``apply_gradients``.
        """
        if not isinstance(store, ParamStore):
            if trainable_variables is None:
                raise ValueError(
                    "optimizer.apply(grads, trainable_variables) needs the variables the "
                    "gradients belong to"
                )
            return self.apply_gradients(zip(store, trainable_variables))
        if not self.built or store.data is not self._data:
            if self.built and store is not self._store:
                raise ValueError(
                    f"{self.name} was built for another parameter store; call "
                    "optimizer.build(store) to start over on a new one"
                )
            self.build(store)  # first step, or the same store re-bound to a new layout
        lr = self.current_learning_rate()
        g = self._clip(store.grad)
        if self.weight_decay:
            self._apply_weight_decay(store.data, lr)
        self.update_step(g, store.data, lr)
        for view, constraint in self._constraints:
            view[...] = constraint(view)
        self.iterations += 1

    def update_step(self, g: np.ndarray, w: np.ndarray, lr: float) -> None:
        """The rule: update the flat ``w`` (and the slots) in place from ``g``."""
        raise NotImplementedError

    def _clips(self) -> bool:
        return not (
            self.clipnorm is None and self.clipvalue is None and self.global_clipnorm is None
        )

    def _clip(self, g):
        """Keras's three clips (only one can be set); returns ``g`` or the clipped copy."""
        out = self._gbuf
        if self.clipnorm is not None and g.size:
            # per tensor: g*clipnorm/max(||g||, clipnorm), vectorised over the segments
            np.multiply(g, g, out=out)
            norms = np.sqrt(np.add.reduceat(out, self._clip_offsets))
            if norms.max() <= self.clipnorm:
                return g  # every scale is 1: skip two whole-buffer passes
            scale = self.clipnorm / np.maximum(norms, self.clipnorm)
            np.multiply(g, np.repeat(scale, self._clip_sizes), out=out)
            return out
        if self.global_clipnorm is not None:
            norm = math.sqrt(float(np.dot(g, g)))
            if norm <= self.global_clipnorm:
                return g
            scale = self.global_clipnorm / norm if math.isfinite(norm) else math.nan
            np.multiply(g, scale, out=out)
            return out
        if self.clipvalue is not None:
            np.clip(g, -self.clipvalue, self.clipvalue, out=out)
            return out
        return g

    def _apply_weight_decay(self, w, lr) -> None:
        """w -= w*weight_decay*lr on the tensors not excluded (flat 0/1 mask).

        Plain version: ``scratchdl.optimizers.plain.decoupled_weight_decay``.
        """
        if isinstance(self._decay_mask, str):  # "none": everything excluded
            return
        tmp = self._tmp[0]
        if self._decay_mask is None:
            np.multiply(w, self.weight_decay * lr, out=tmp)
        else:
            np.multiply(w, self._decay_mask, out=tmp)
            tmp *= self.weight_decay * lr
        w -= tmp
