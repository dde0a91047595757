"""Learning-rate schedules (docs/keras-reference.md A8): ``lr = schedule(step)``.

``step`` is ``optimizer.iterations``: the number of **batches** already applied, starting at 0
(not epochs).  Every schedule returns a Python float.  Per-epoch schedules belong to the
``LearningRateScheduler`` callback instead.

Convention: the closed forms below are evaluated in float64 (Keras evaluates them in float32,
so its values can differ in the 7th significant digit).

``as_schedule(x)`` turns what an optimizer accepts as ``learning_rate`` into a schedule:
a number (constant), a ``LearningRateSchedule``, a callable ``f(step)``, or a callable with no
arguments (A8: "a plain callable with no arguments also works").
"""

from __future__ import annotations

import bisect
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from scratchdl.registry import Configurable, Registry

__all__ = [
    "LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay",
    "PolynomialDecay", "CosineDecay", "CosineDecayRestarts", "ConstantSchedule",
    "CallableSchedule", "as_schedule", "get", "serialize", "deserialize",
]  # fmt: skip


def _number(value, name: str, low: float = 0.0, high: float = math.inf, strict=False) -> float:
    """A float in [low, high] (``(low, high]`` if strict), or ValueError quoting the value."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    inside = ok and (low < value if strict else low <= value) and value <= high
    if not inside:
        bound = f"> {low}" if strict else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be a number {bound}, received {name}={value!r}")
    return float(value)


def _plain(x):
    """A JSON-friendly Python int or float."""
    return int(x) if isinstance(x, (int, np.integer)) else float(x)


class LearningRateSchedule(Configurable):
    """Base class: ``__call__(step) -> float``; ``get_config``; ``from_config``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError


class _Decay(LearningRateSchedule):
    """lr0 * f(step) schedules with ``decay_steps`` and ``decay_rate`` (validated here)."""

    _config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool,
        name: str,
    ) -> None:
        self.initial_learning_rate = _number(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _plain(decay_steps)
        _number(decay_steps, "decay_steps", strict=True)
        self.decay_rate = _number(decay_rate, "decay_rate")
        self.staircase, self.name = bool(staircase), name

    def _p(self, step) -> float:
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_Decay):
    """lr = lr0 * decay_rate ** p, p = step / decay_steps (floored if ``staircase``).

    Args: initial_learning_rate >= 0, decay_steps > 0, decay_rate > 0.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)
        _number(decay_rate, "decay_rate", strict=True)

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate * self.decay_rate ** self._p(step)


class InverseTimeDecay(_Decay):
    """lr = lr0 / (1 + decay_rate * p), p = step / decay_steps (floored if ``staircase``).

    Args: initial_learning_rate >= 0, decay_steps > 0, decay_rate >= 0.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._p(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] if step <= b[0]; values[i] if b[i-1] < step <= b[i]; values[-1] if step > b[-1].

    A boundary step still gets the *earlier* value.  Args: boundaries strictly increasing;
    len(values) == len(boundaries) + 1.
    """

    _config_keys = ("boundaries", "values", "name")

    def __init__(
        self, boundaries: Sequence[float], values: Sequence[float], name: str = "PiecewiseConstant"
    ) -> None:
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"len(values) must be len(boundaries) + 1, received "
                f"boundaries={boundaries!r} and values={values!r}"
            )
        if any(not a < b for a, b in zip(boundaries, boundaries[1:])):
            raise ValueError(f"boundaries must be strictly increasing, received {boundaries!r}")
        self.boundaries = [_plain(b) for b in boundaries]
        self.values = [_number(v, "values[i]", low=-math.inf) for v in values]
        self.name = name

    def __call__(self, step: int) -> float:
        # bisect_left counts the boundaries strictly below step.
        return self.values[bisect.bisect_left(self.boundaries, step)]


class PolynomialDecay(LearningRateSchedule):
    """lr = (lr0 - end) * (1 - s / D) ** power + end.

    Without cycle: s = min(step, decay_steps), D = decay_steps (then constant ``end``).
    With cycle: s = step, D = decay_steps * ceil(step / decay_steps), the multiplier being 1 at
    step 0 (so each restart begins again from a lower value).
    Args: decay_steps > 0, end_learning_rate >= 0 (default 1e-4), power >= 0 (default 1).
    """

    _config_keys = (
        "initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name",
    )  # fmt: skip

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        self.initial_learning_rate = _number(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _plain(decay_steps)
        _number(decay_steps, "decay_steps", strict=True)
        self.end_learning_rate = _number(end_learning_rate, "end_learning_rate")
        self.power = _number(power, "power")
        self.cycle, self.name = bool(cycle), name

    def __call__(self, step: int) -> float:
        s, D = float(step), float(self.decay_steps)
        if self.cycle:
            D *= 1.0 if s == 0 else math.ceil(s / D)
        else:
            s = min(s, D)
        lr0, end = self.initial_learning_rate, self.end_learning_rate
        return (lr0 - end) * (1.0 - s / D) ** self.power + end


class CosineDecay(LearningRateSchedule):
    """Cosine decay from lr0 to alpha * lr0 over decay_steps, with an optional linear warmup.

    No warmup_target: s = min(step, D);
    lr = lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * s / D)) + alpha), so the floor is alpha * lr0.
    With warmup_target: s = min(step, D + W); if s < W: lr = lr0 + (target - lr0) * s / W,
    else the decay formula with base ``target`` at s - W.  (As Keras, warmup_steps is ignored
    when warmup_target is None.)  Reference: Loshchilov & Hutter, https://arxiv.org/abs/1608.03983
    Args: decay_steps > 0, 0 <= alpha <= 1, warmup_steps >= 0.
    """

    _config_keys = (
        "initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps",
    )  # fmt: skip

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: float = 0,
    ) -> None:
        self.initial_learning_rate = _number(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _plain(decay_steps)
        _number(decay_steps, "decay_steps", strict=True)
        self.alpha = _number(alpha, "alpha", 0.0, 1.0)
        self.name = name
        if warmup_target is not None:
            warmup_target = _number(warmup_target, "warmup_target")
        self.warmup_target = warmup_target
        self.warmup_steps = _plain(warmup_steps)
        _number(warmup_steps, "warmup_steps")

    def _decay(self, s, base):
        cosine = 0.5 * (1.0 + math.cos(math.pi * s / self.decay_steps))
        return base * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        D, W = self.decay_steps, self.warmup_steps
        if self.warmup_target is None:
            return self._decay(min(float(step), D), self.initial_learning_rate)
        s = min(float(step), D + W)
        if s < W:
            lr0 = self.initial_learning_rate
            return lr0 + (self.warmup_target - lr0) * s / W
        return self._decay(s - W, self.warmup_target)


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decay that restarts; period i lasts D * t_mul**i steps, peak lr0 * m_mul**i.

    f = step / first_decay_steps.  If t_mul == 1: i = floor(f), f -= i.  Otherwise i is the
    period index, the largest integer with (1 - t_mul**i) / (1 - t_mul) <= f, i.e.
    i = floor(log(1 - f (1 - t_mul)) / log(t_mul)) (corrected for rounding at the period
    starts), and f = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i.  Then
    lr = lr0 * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi f)) + alpha): the floor alpha * lr0
    does not shrink with m_mul.
    Args: first_decay_steps > 0, t_mul >= 1 (default 2), m_mul >= 0 (default 1), 0 <= alpha <= 1.
    Convention: Keras also accepts t_mul < 1, whose periods shrink to nothing (NaN afterwards).
    Reference: Loshchilov & Hutter 2017, https://arxiv.org/abs/1608.03983
    """

    _config_keys = (
        "initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name",
    )  # fmt: skip

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: float,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        self.initial_learning_rate = _number(initial_learning_rate, "initial_learning_rate")
        self.first_decay_steps = _plain(first_decay_steps)
        _number(first_decay_steps, "first_decay_steps", strict=True)
        self.t_mul = _number(t_mul, "t_mul", low=1.0)
        self.m_mul = _number(m_mul, "m_mul")
        self.alpha = _number(alpha, "alpha", 0.0, 1.0)
        self.name = name

    def _period(self, f: float) -> tuple[int, float]:
        """(i, fraction of period i completed) for f = step / first_decay_steps."""
        t = self.t_mul
        if t == 1.0:
            i = math.floor(f)
            return i, f - i

        def start(k):  # where period k begins, in units of first_decay_steps
            return (1.0 - t**k) / (1.0 - t)

        i = math.floor(math.log(1.0 - f * (1.0 - t)) / math.log(t))
        while start(i + 1) <= f:
            i += 1
        while i > 0 and start(i) > f:
            i -= 1
        return i, (f - start(i)) / t**i

    def __call__(self, step: int) -> float:
        i, f = self._period(float(step) / self.first_decay_steps)
        cosine = 0.5 * self.m_mul**i * (1.0 + math.cos(math.pi * f))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


class ConstantSchedule(LearningRateSchedule):
    """lr = learning_rate at every step (what ``as_schedule(0.01)`` returns)."""

    _config_keys = ("learning_rate",)

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = _number(learning_rate, "learning_rate")

    def __call__(self, step: int) -> float:
        return self.learning_rate


def _takes_no_argument(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: assume f(step)
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return not any(p.kind in positional or p.kind == p.VAR_POSITIONAL for p in params)


class CallableSchedule(LearningRateSchedule):
    """Wraps a plain function: ``fn(step)``, or ``fn()`` when it takes no argument.

    Not serializable (a function cannot be stored safely); subclass ``LearningRateSchedule``
    with a ``get_config`` to save a custom schedule.
    """

    def __init__(self, fn: Callable[[int], float] | Callable[[], float]) -> None:
        if not callable(fn):
            raise ValueError(f"expected a callable, received {fn!r}")
        self.fn, self._no_args = fn, _takes_no_argument(fn)

    def __call__(self, step: int) -> float:
        value = self.fn() if self._no_args else self.fn(step)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"the learning-rate function {self.fn!r} returned {value!r}, expected a float"
            ) from None

    def get_config(self) -> dict[str, Any]:
        raise ValueError(
            f"cannot serialize the plain function {self.fn!r}: subclass LearningRateSchedule "
            "and implement get_config to save a custom schedule"
        )

    def __repr__(self):
        return f"CallableSchedule({self.fn!r})"


def as_schedule(x: float | LearningRateSchedule | Callable[..., float]) -> LearningRateSchedule:
    """A number -> ConstantSchedule; a schedule -> itself; a callable -> CallableSchedule."""
    if isinstance(x, LearningRateSchedule):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return ConstantSchedule(x)
    if callable(x):
        return CallableSchedule(x)
    raise ValueError(
        f"learning_rate must be a number, a LearningRateSchedule or a callable, received {x!r}"
    )


_CLASSES = (
    ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay,
    CosineDecayRestarts, ConstantSchedule,
)  # fmt: skip
_REGISTRY = {c.__name__: c for c in _CLASSES}


_FAMILY = Registry("schedule", LearningRateSchedule, _REGISTRY)
serialize, deserialize = _FAMILY.serialize, _FAMILY.deserialize


def get(
    identifier: float | dict[str, Any] | LearningRateSchedule | Callable[..., float] | None,
) -> LearningRateSchedule | None:
    """None, a schedule, a ``{"class_name","config"}`` dict, a number or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        raise ValueError(
            f"a schedule needs its arguments: pass an instance or a dict "
            f'{{"class_name": ..., "config": ...}}, received {identifier!r}. '
            f"Valid class names: {', '.join(sorted(_REGISTRY))}"
        )
    return as_schedule(identifier)
