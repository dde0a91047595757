"""What every experiment shares: the result record, verdicts, progress lines, cached data.

An experiment module defines ``NAME``, ``TITLE``, a dataclass ``Config`` (defaults = the
published setup, ``quick()`` = a smaller copy for a look in seconds), ``run(config, rng) ->
Result`` and ``report(result, out_dir) -> list[Path]``.  A ``Result`` holds the comparison
rows (published number beside ours, with a verdict) and ``data``: the JSON-able series the
figures are drawn from, so ``report`` never recomputes anything.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "Row",
    "Result",
    "VERDICTS",
    "check_row",
    "info_row",
    "config_record",
    "new_result",
    "progress",
    "Timer",
    "timed_runs",
    "load_images",
    "child_rng",
    "child_seed",
    "blas_threads",
    "TrainTest",
]

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
NO_PUBLISHED = "no published number"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, NO_PUBLISHED)

# The type of ``load_images``'s result: ((x_train, y_train), (x_test, y_test)).
TrainTest = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass
class Row:
    """One line of the comparison table.

    quantity: what is measured; published: the published value as text (with its
    source); ours: our value (a float, or text such as "diverged"); check: the tolerance
    the verdict applies; verdict: one of ``VERDICTS``.
    """

    quantity: str
    published: str
    ours: Any
    check: str
    verdict: str


def check_row(quantity: str, published: str, ours: Any, check: str, ok: bool) -> Row:
    """A row whose verdict is ``reproduced`` when ``ok`` holds, else ``not reproduced``."""
    return Row(quantity, published, ours, check, REPRODUCED if ok else NOT_REPRODUCED)


def info_row(quantity: str, ours: Any, published: str = "-") -> Row:
    """A row with nothing published to compare against (shown for information)."""
    return Row(quantity, published, ours, "-", NO_PUBLISHED)


@dataclass
class Result:
    """The outcome of one experiment run.

    name: the experiment's registry name; quick: whether the quick config ran; seed: the
    seed of the run; config: the config as a dict; rows: the comparison table; data: the
    series behind the figures (lists of numbers, nested dicts).  ``runtime`` (seconds) is
    not recorded in result.json, which must be byte-identical for the same seed.
    """

    name: str
    quick: bool
    seed: int | None
    config: dict
    rows: list[Row]
    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    runtime: float = 0.0


def config_record(config: Any, exclude: tuple[str, ...] = ()) -> dict:
    """The dataclass ``config`` as a dict (tuples as lists), without the ``exclude`` fields."""
    out = {}
    for f in dataclasses.fields(config):
        if f.name in exclude:
            continue
        value = getattr(config, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def new_result(
    name: str,
    config: Any,
    rows: list,
    data: dict,
    notes: Sequence[str] = (),
    exclude: tuple[str, ...] = (),
) -> Result:
    """The Result an experiment's ``run`` returns: config as a dict (without ``exclude``).

    ``quick`` and ``seed`` are filled in by ``run_experiment``, which knows them.
    """
    return Result(name, False, None, config_record(config, exclude), rows, data, list(notes))


def progress(name: str, message: str) -> None:
    """One progress line per sub-run: ``[name] message`` (flushed at once)."""
    print(f"[{name}] {message}", flush=True)


class Timer:
    """``with Timer() as t: ...``; then ``t.seconds``."""

    def __enter__(self):
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False


def timed_runs(
    name: str,
    keys: Iterable[Any],
    train: Callable[[Any], Any],
    describe: Callable[[Any, Any, float], str],
) -> dict:
    """``{key: train(key)}`` for each key in order, one progress line per finished run.

    describe(key, result, seconds) -> the line's text (``seconds``: the run's wall time).
    """
    results = {}
    for key in keys:
        with Timer() as timer:
            results[key] = train(key)
        progress(name, describe(key, results[key], timer.seconds))
    return results


def child_seed(rng: np.random.Generator) -> int:
    """A seed drawn from ``rng`` (for models and libraries that take an int)."""
    return int(rng.integers(0, 2**31 - 1))


def child_rng(rng: np.random.Generator) -> np.random.Generator:
    """An independent Generator drawn from ``rng``."""
    return np.random.default_rng(child_seed(rng))


DATASETS = ("mnist", "fashion_mnist")


@lru_cache(maxsize=2)
def _raw(dataset: str):
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; valid names: {', '.join(DATASETS)}")
    if dataset == "mnist":
        from scratchdl.datasets import mnist as source
    else:
        from scratchdl.datasets import fashion_mnist as source
    return source.load_data()


@lru_cache(maxsize=4)
def _float_images(dataset: str, scale: bool):
    (x, y), (xt, yt) = _raw(dataset)
    divisor = np.float32(255.0) if scale else np.float32(1.0)
    x = x.reshape(len(x), -1).astype(np.float32) / divisor
    xt = xt.reshape(len(xt), -1).astype(np.float32) / divisor
    for a in (x, xt, y, yt):
        a.setflags(write=False)
    return (x, y.astype(np.int64)), (xt, yt.astype(np.int64))


def load_images(
    dataset: str = "mnist",
    scale: bool = True,
    n_train: int | None = None,
    n_test: int | None = None,
) -> TrainTest:
    """``(x_train, y_train), (x_test, y_test)``: flat float32 rows, int labels.

    scale: pixels / 255 (the book's ``normalize=True``); False keeps raw 0..255 values as
    seed 002 feeds them.  n_train / n_test: keep the first n samples (None: all).  The
    arrays are loaded once per process and shared read-only between experiments.
    """
    (x, y), (xt, yt) = _float_images(dataset, bool(scale))
    return (x[:n_train], y[:n_train]), (xt[:n_test], yt[:n_test])


def blas_threads(n: int = 1) -> AbstractContextManager[Any]:
    """Limit the BLAS thread pool to ``n`` threads while the experiments run.

    At the experiments' batch sizes one thread is faster than two, and two threads
    collapse when another process shares the cores (docs/architecture.md).  Uses threadpoolctl
    when it is installed; otherwise a no-op (set OPENBLAS_NUM_THREADS=1 by hand).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")
