"""``tf.random``: random tensors and the global seed.

Without ``seed`` the numbers come from scratchdl's process-wide seed source,
so ``set_seed(s)`` makes a program's draws repeat; with ``seed`` a draw is
fixed by that seed alone.  (TensorFlow combines the global and the op seed into
its own streams: the numbers differ from TensorFlow's, the rules are the same
in spirit — seeded means repeatable.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.autodiff.tensor import Tensor
from scratchdl.random import make_rng
from scratchdl.random import set_random_seed as _set_random_seed

__all__ = ["set_seed", "normal", "uniform"]


def set_seed(seed: int) -> None:
    """Seed every random draw that follows (``tf.random.set_seed``)."""
    _set_random_seed(seed)


def _shape(shape):
    return tuple(int(n) for n in np.asarray(shape).ravel())


def _check_float(dtype, fname):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"{fname}: dtype must be a float type, received {dtype.name}")
    return dtype


def normal(
    shape: Any,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: DTypeLike = np.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Samples of a normal distribution N(mean, stddev**2)."""
    dtype = _check_float(dtype, "normal")
    rng = make_rng(seed)
    return Tensor((mean + stddev * rng.standard_normal(_shape(shape))).astype(dtype))


def uniform(
    shape: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: DTypeLike = np.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Samples uniform in [minval, maxval): maxval defaults to 1 for floats and is
    required for integer dtypes."""
    dtype, rng = np.dtype(dtype), make_rng(seed)
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("uniform: maxval must be given for an integer dtype")
        return Tensor(rng.integers(minval, maxval, size=_shape(shape)).astype(dtype))
    _check_float(dtype, "uniform")
    high = 1.0 if maxval is None else maxval
    return Tensor(rng.uniform(minval, high, size=_shape(shape)).astype(dtype))
