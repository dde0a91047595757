"""How many BLAS threads the training loops use (docs/architecture.md).

At the sizes students train (batch 32-128, layers of 50-500 units) one BLAS thread
is as fast as two or faster, and two threads collapse when another process shares
the cores (OpenBLAS spin-waits on a descheduled thread; benchmarks/KERNELS.md).
So ``fit``, the book's ``Trainer`` and the experiments use one BLAS thread by default.

Set ``SCRATCHDL_BLAS_THREADS`` to another number, or to ``auto`` to leave the BLAS
library's own setting alone.  Uses threadpoolctl (a dependency); without it this
is a no-op.
"""

from __future__ import annotations

import contextlib
import os
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["blas_threads", "training_threads"]


def blas_threads(n: int | None) -> AbstractContextManager[Any]:
    """A context limiting the BLAS thread pool to ``n`` threads (None: no limit)."""
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(n), user_api="blas")


def training_threads() -> AbstractContextManager[Any]:
    """``blas_threads`` with the count from ``$SCRATCHDL_BLAS_THREADS`` (default 1)."""
    value = os.environ.get("SCRATCHDL_BLAS_THREADS", "1").strip().lower()
    if value == "auto":
        return blas_threads(None)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"SCRATCHDL_BLAS_THREADS must be a positive integer or 'auto', received {value!r}"
        )
    return blas_threads(int(value))
