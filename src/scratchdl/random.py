"""Seeds: one seed determines everything (docs/architecture.md).

Every stochastic function of scratchdl takes an ``np.random.Generator``.  Models
without an explicit seed draw one from a process-wide seed source, which
``set_random_seed`` resets — the equivalent of ``keras.utils.set_random_seed``.
"""

from __future__ import annotations

import random as _py_random

import numpy as np

__all__ = ["set_random_seed", "next_seed", "make_rng"]

_source = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's legacy global state and scratchdl's seed source."""
    global _source
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, received seed={seed!r}")
    _py_random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    _source = np.random.default_rng(int(seed))


def next_seed() -> int:
    """A fresh seed from the process-wide source (deterministic after ``set_random_seed``)."""
    return int(_source.integers(0, 2**63 - 1))


def make_rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A Generator from ``seed``, or from the process-wide source when ``seed`` is None."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(next_seed() if seed is None else seed)
