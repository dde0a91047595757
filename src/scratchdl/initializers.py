"""Weight initializers: Keras's (docs/keras-reference.md A6) and the book's (book.md a.6).

Every initializer is called as ``init(shape, rng, dtype=np.float32)`` and returns a new array
of exactly that shape and dtype.  Random values are drawn in float64 from ``rng`` and then cast,
so one seed gives the same numbers (up to rounding) in float32 and float64.

Seeds: an initializer built with ``seed=<int>`` ignores ``rng`` and draws from a fresh
``np.random.default_rng(seed)`` on every call, so it returns the *same* values on every call,
as Keras documents for integer seeds.

Fans (Keras ``compute_fans``), for a shape ``s``::

    len(s) == 0: fan_in = fan_out = 1
    len(s) == 1: fan_in = fan_out = s[0]
    len(s) == 2: fan_in, fan_out = s            # Dense kernel (in, out)
    len(s) >= 3: rf = prod(s[:-2]); fan_in = s[-2] * rf; fan_out = s[-1] * rf   # conv kernel

String names: Keras snake_case (``"glorot_uniform"``) or class name (``"GlorotUniform"``).
Convention (not in Keras): ``"xavier"`` = ``glorot_uniform`` and ``"he"`` = ``he_normal``.
Note that the *book's* "xavier" is a different thing, sqrt(1/fan_in): see ``BookNormal``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.registry import Configurable, Registry

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal",
    "HeUniform", "LecunNormal", "LecunUniform", "Identity", "Orthogonal", "BookNormal",
    "book_scale", "compute_fans", "get", "serialize", "deserialize",
]  # fmt: skip

# std of a standard normal truncated at +-2, used to rescale VarianceScaling's truncated normal.
TRUNCATION_STD = 0.87962566103423978


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape, Keras's rule (see the module docstring)."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


def _check_shape(shape) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(int(d) < 0 for d in shape):
        raise ValueError(f"shape must contain non-negative integers, received shape={shape}")
    return tuple(int(d) for d in shape)


def _float_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"a random initializer needs a float dtype, received dtype={dt}")
    return dt


def _truncated_standard_normal(rng: np.random.Generator, shape) -> np.ndarray:
    """N(0, 1) samples with every |z| > 2 redrawn until none is left."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return z


class Initializer(Configurable):
    """Base class: ``__call__(shape, rng, dtype=np.float32) -> array``; ``get_config``."""

    def __call__(
        self, shape: Sequence[int], rng: np.random.Generator, dtype: DTypeLike = np.float32
    ) -> np.ndarray:
        raise NotImplementedError


class Zeros(Initializer):
    """All zeros (``"zeros"``, ``"zero"``; the Dense bias default)."""

    def __call__(
        self,
        shape: Sequence[int],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> np.ndarray:
        return np.zeros(_check_shape(shape), dtype=dtype)


class Ones(Initializer):
    """All ones (``"ones"``, ``"one"``; BatchNormalization's gamma default)."""

    def __call__(
        self,
        shape: Sequence[int],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> np.ndarray:
        return np.ones(_check_shape(shape), dtype=dtype)


class Constant(Initializer):
    """Every entry equals ``value`` (Keras default 0.0)."""

    _config_keys = ("value",)

    def __init__(self, value: float = 0.0) -> None:
        self.value = float(value)

    def __call__(
        self,
        shape: Sequence[int],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> np.ndarray:
        return np.full(_check_shape(shape), self.value, dtype=dtype)


class _Random(Initializer):
    """Shared seed handling: draw ``self._sample(shape, rng)`` (float64), cast to dtype."""

    _config_keys = ("seed",)

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"seed must be an integer or None, received seed={seed!r}")
        self.seed = None if seed is None else int(seed)

    def __call__(
        self,
        shape: Sequence[int],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> np.ndarray:
        shape, dt = _check_shape(shape), _float_dtype(dtype)
        if self.seed is not None:
            rng = np.random.default_rng(self.seed)
        elif rng is None:
            raise ValueError(f"{type(self).__name__} needs rng (np.random.Generator) or a seed")
        return self._sample(shape, rng).astype(dt, copy=False)

    def _sample(self, shape, rng):
        raise NotImplementedError


class RandomNormal(_Random):
    """N(mean, stddev^2) samples; Keras defaults mean=0.0, stddev=0.05."""

    _config_keys = ("mean", "stddev", "seed")

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)
        if not self.stddev >= 0:
            raise ValueError(f"stddev must be >= 0, received stddev={stddev!r}")

    def _sample(self, shape, rng):
        return self.mean + self.stddev * rng.standard_normal(shape)


class TruncatedNormal(RandomNormal):
    """N(mean, stddev^2) restricted to [mean - 2 stddev, mean + 2 stddev] (outliers redrawn).

    Convention: ``stddev`` is that of the normal *before* truncation, as in Keras, so the
    empirical std is about 0.88 * stddev.
    """

    def _sample(self, shape, rng):
        return self.mean + self.stddev * _truncated_standard_normal(rng, shape)


class RandomUniform(_Random):
    """U(minval, maxval) samples; Keras defaults -0.05, 0.05."""

    _config_keys = ("minval", "maxval", "seed")

    def __init__(
        self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None
    ) -> None:
        super().__init__(seed)
        if not minval <= maxval:
            raise ValueError(
                f"minval must be <= maxval, received minval={minval!r}, maxval={maxval!r}"
            )
        self.minval, self.maxval = float(minval), float(maxval)

    def _sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(_Random):
    """Samples whose variance is ``scale / n``, n = fan_in, fan_out or (fan_in + fan_out) / 2.

    Math (n replaced by max(1, n))::

        truncated_normal:   std = sqrt(scale / n) / 0.87962566103423978, cut at +-2 std
        untruncated_normal: std = sqrt(scale / n)
        uniform:            U(-limit, limit), limit = sqrt(3 * scale / n)

    The 0.8796... is the std of N(0,1) truncated at +-2, so the truncated draw has variance
    scale / n.  Args: scale > 0; mode in fan_in/fan_out/fan_avg; distribution in
    truncated_normal/untruncated_normal/uniform ("normal" = truncated_normal, as tf.keras 2.x).
    Reference: He et al. 2015, https://arxiv.org/abs/1502.01852
    """

    _config_keys = ("scale", "mode", "distribution", "seed")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if not scale > 0:
            raise ValueError(f"scale must be a positive float, received scale={scale!r}")
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, received mode={mode!r}")
        dist = str(distribution).lower()
        dist = "truncated_normal" if dist == "normal" else dist
        if dist not in _DISTRIBUTIONS:
            raise ValueError(
                f"distribution must be one of {_DISTRIBUTIONS}, received "
                f"distribution={distribution!r}"
            )
        self.scale, self.mode, self.distribution = float(scale), mode, dist

    def _variance(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        return self.scale / max(1.0, n[self.mode])

    def _sample(self, shape, rng):
        var = self._variance(shape)
        if self.distribution == "truncated_normal":
            std = math.sqrt(var) / TRUNCATION_STD
            return std * _truncated_standard_normal(rng, shape)
        if self.distribution == "untruncated_normal":
            return math.sqrt(var) * rng.standard_normal(shape)
        limit = math.sqrt(3.0 * var)
        return rng.uniform(-limit, limit, shape)


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed ``_args`` = (scale, mode, distribution); config = seed."""

    _config_keys = ("seed",)
    _args: tuple = ()

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(*self._args, seed=seed)


class GlorotUniform(_Preset):
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) (Glorot 2010). Alias: "xavier"."""

    _args = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated N, std = sqrt(2 / (fan_in + fan_out)) / 0.8796... (Glorot & Bengio 2010)."""

    _args = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated N, std = sqrt(2 / fan_in) / 0.8796... (He et al. 2015). Alias: "he"."""

    _args = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """U(-limit, limit), limit = sqrt(6 / fan_in) (He et al. 2015)."""

    _args = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated N, std = sqrt(1 / fan_in) / 0.8796... (LeCun et al. 1998)."""

    _args = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """U(-limit, limit), limit = sqrt(3 / fan_in) (LeCun et al. 1998)."""

    _args = (1.0, "fan_in", "uniform")


class Identity(Initializer):
    """``gain * eye(rows, cols)`` for a 2-D shape (non-square allowed), as Keras."""

    _config_keys = ("gain",)

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = float(gain)

    def __call__(
        self,
        shape: Sequence[int],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> np.ndarray:
        shape = _check_shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity needs a 2-D shape, received shape={shape}")
        return (self.gain * np.eye(shape[0], shape[1])).astype(dtype)


class Orthogonal(_Random):
    """``gain * Q`` with Q orthonormal (rows or columns), for shapes with >= 2 dimensions.

    Math: reshape to (rows, cols) = (prod(shape[:-1]), shape[-1]); A ~ N(0,1) of shape
    (max, min); Q, R = qr(A); Q *= sign(diag(R)) (makes Q uniform over orthogonal matrices);
    transpose when rows < cols.  Reference: Saxe et al. 2014, https://arxiv.org/abs/1312.6120
    """

    _config_keys = ("gain", "seed")

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = float(gain)

    def _sample(self, shape, rng):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal needs a shape with >= 2 dimensions, received {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        A = rng.standard_normal((max(rows, cols), min(rows, cols)))
        Q, R = np.linalg.qr(A)
        Q = Q * np.sign(np.diag(R))
        if rows < cols:
            Q = Q.T
        return self.gain * Q.reshape(shape)


_BOOK_NAMES = {"relu": 2.0, "he": 2.0, "sigmoid": 1.0, "xavier": 1.0}


def book_scale(weight_init_std: str | float, fan_in: int) -> float:
    """The book's ``weight_init_std`` as a standard deviation (MultiLayerNet, book.md a.6).

    ``str(weight_init_std).lower()`` in ("relu", "he") -> sqrt(2 / fan_in);
    in ("sigmoid", "xavier") -> sqrt(1 / fan_in); a number -> the number itself.
    Convention: the book's "xavier" is sqrt(1/n), not Glorot's sqrt(2/(n_in+n_out)).
    A negative or non-numeric value raises ValueError (the book would compute with it).
    """
    key = str(weight_init_std).lower()
    if key in _BOOK_NAMES:
        return math.sqrt(_BOOK_NAMES[key] / fan_in)
    if isinstance(weight_init_std, (bool, np.bool_)) or not isinstance(
        weight_init_std, (int, float, np.integer, np.floating)
    ):
        raise ValueError(
            f"weight_init_std must be a number or one of {sorted(_BOOK_NAMES)}, "
            f"received weight_init_std={weight_init_std!r}"
        )
    if not 0 <= weight_init_std < math.inf:
        raise ValueError(f"weight_init_std must be >= 0, received {weight_init_std!r}")
    return float(weight_init_std)


class BookNormal(_Random):
    """The book's ``scale * np.random.randn(n_in, n_out)``; scale = ``book_scale(std, fan_in)``.

    fan_in follows ``compute_fans`` (for a Dense kernel (in, out) it is ``in`` = the book's
    n_in).  Not truncated, unlike Keras's He/Lecun normals.
    """

    _config_keys = ("weight_init_std", "seed")

    def __init__(self, weight_init_std: str | float = "relu", seed: int | None = None) -> None:
        super().__init__(seed)
        book_scale(weight_init_std, 1)  # validate early
        is_name = isinstance(weight_init_std, str)
        self.weight_init_std = weight_init_std if is_name else float(weight_init_std)

    def _sample(self, shape, rng):
        fan_in = max(1, compute_fans(shape)[0])
        return book_scale(self.weight_init_std, fan_in) * rng.standard_normal(shape)


_CLASSES = (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
    GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Identity,
    Orthogonal, BookNormal,
)  # fmt: skip
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "identity": Identity,
    "orthogonal": Orthogonal, "book_normal": BookNormal,
    "xavier": GlorotUniform, "he": HeNormal,  # scratchdl aliases, not Keras names
}  # fmt: skip
_REGISTRY = {**{c.__name__: c for c in _CLASSES}, **_ALIASES}


_FAMILY = Registry("initializer", Initializer, _REGISTRY)
_lookup, serialize, deserialize, get = (
    _FAMILY.lookup,
    _FAMILY.serialize,
    _FAMILY.deserialize,
    _FAMILY.get,
)
