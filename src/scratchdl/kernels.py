"""Small NumPy shortcuts on the training hot path, each equal to its plain formula.

Every function here computes what a one-line NumPy expression computes, only with
fewer or cheaper calls at the sizes students train (batches of 32-128, layers of
10-500 units); tests/test_perf_kernels.py pins each one to the plain formula.

    batch_sum(a)       = a.sum(axis=0)                       (2-D; to float rounding)
    last_axis_sum(z)   = z.sum(axis=-1, keepdims=True)       (to float rounding)
    last_axis_max(z)   = z.max(axis=-1, keepdims=True)       (exactly)
    rows(n)            = np.arange(n)                        (cached)
    zeros_like(z)      = np.zeros_like(z)                    (cached: read only!)

The cached constants (``ones``, ``arange``, ``zeros``) are kept per shape and dtype;
a cache holding more than 64 entries (many batch sizes, e.g. evaluation tails) is
emptied and filled again.
"""

from __future__ import annotations

import numpy as np

__all__ = ["batch_sum", "last_axis_sum", "last_axis_max", "rows", "zeros_like"]

_ONES: dict = {}
_ROWS: dict = {}
_ZEROS: dict = {}


def _cached(cache, key, make):
    value = cache.get(key)
    if value is None:
        if len(cache) > 64:
            cache.clear()
        value = cache[key] = make()
    return value


def _ones(n, dtype):
    return _cached(_ONES, (n, dtype), lambda: np.ones(n, dtype))


def rows(n: int) -> np.ndarray:
    """``np.arange(n)``, cached: row indices for picking one entry per sample."""
    return _cached(_ROWS, n, lambda: np.arange(n))


def zeros_like(z: np.ndarray) -> np.ndarray:
    """A cached all-zero array of z's shape and dtype (read only by convention).

    ``np.maximum(z, zeros)`` is faster than ``np.maximum(z, 0)`` on small float32
    batches: a scalar operand takes a slower broadcast loop (benchmarks/KERNELS.md).
    """
    return _cached(_ZEROS, (z.shape, z.dtype), lambda: np.zeros(z.shape, z.dtype))


def batch_sum(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``sum(a, axis=0)`` of a 2-D float array as one BLAS product ``ones @ a``.

    Why: on batch-sized float32 arrays the matrix-vector product beats NumPy's axis-0
    reduction (benchmarks/KERNELS.md); bias and batch-norm gradients
    need several such sums per step.  The result equals ``a.sum(axis=0)`` to float rounding (BLAS
    adds in another order, so a few last bits differ).
    """
    return np.matmul(_ones(a.shape[0], a.dtype), a, out=out)


def last_axis_sum(z: np.ndarray) -> np.ndarray:
    """``sum(z, axis=-1, keepdims=True)``; for a 2-D float32/float64 array as ``z @ ones``.

    Why: on a (batch, classes) array the matrix-vector product beats NumPy's row-by-row
    reduction (benchmarks/KERNELS.md).  BLAS adds in another order, so the last bit of a
    sum may differ from ``np.sum``'s (pairwise) result.
    """
    if z.ndim == 2 and z.dtype in (np.float32, np.float64):
        return np.matmul(z, _ones(z.shape[1], z.dtype))[:, None]
    return np.add.reduce(z, axis=-1, keepdims=True)


def last_axis_max(z: np.ndarray) -> np.ndarray:
    """``max(z, axis=-1, keepdims=True)``; for a 2-D C-ordered array as ``z[i, argmax_i]``.

    Why: NumPy reduces a short last axis row by row while ``argmax`` runs a vectorised
    scan (benchmarks/KERNELS.md); picking the arg-max
    element gives the very same value (NaN first, as ``maximum`` propagates it).
    """
    if z.ndim == 2 and z.shape[1] > 0 and z.flags.c_contiguous:
        return z[rows(z.shape[0]), z.argmax(axis=1)][:, None]
    return np.maximum.reduce(z, axis=-1, keepdims=True)
