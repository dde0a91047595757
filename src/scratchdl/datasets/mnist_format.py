"""What MNIST and Fashion-MNIST share: the format, the file names and the load functions.

Both datasets are four uint8 arrays in the same format (Keras's)::

    x_train (60000, 28, 28)   y_train (60000,)   x_test (10000, 28, 28)   y_test (10000,)

published as the same four IDX files.  A dataset module (mnist.py, fashion_mnist.py) gives
only what differs: its DatasetSpec (pinned SHA-256 constants, cache file name) and its
``default_sources(home)``; load_arrays() and load_data() here run the fetch chain of
sources.py (cache -> sources, every result verified, cached atomically) for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.datasets.fetchers import NpzFileSource
from scratchdl.datasets.sources import DatasetSpec, cache_home, fetch_arrays

__all__ = ["IDX_FILES", "SHAPES", "keras_tuples", "load_arrays"]

#: Array key -> expected shape; every array is uint8.
SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}

#: Array key -> IDX file name, as published.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


def _resolve(path, home: Path, cache_name: str):
    """Split Keras's ``path`` into (an existing file to try first or None, the cache file)."""
    if path is None:
        return None, home / cache_name
    p = Path(path).expanduser()
    if p.is_file():
        return p, home / cache_name
    return None, p if p.is_absolute() else home / p


def load_arrays(
    spec: DatasetSpec,
    default_sources: Callable[[Path], list],
    path: str | os.PathLike | None = None,
    sources: Sequence[Any] | None = None,
    cache: bool = True,
) -> dict:
    """Return the verified arrays of ``spec`` as a dict ``{x_train, y_train, x_test, y_test}``.

    Chain: ``path`` (when it names an existing ``.npz``), the cache file, then ``sources``
    (default: ``default_sources(cache_home())``), each result checked against
    ``spec.sha256``.

    Args:
        spec: the dataset's DatasetSpec.
        default_sources: the dataset module's ``default_sources(home) -> list``.
        path: Keras's ``path``. An existing ``.npz`` (Keras's keys) is tried first and never
            modified; otherwise it names the cache file (relative to the cache home, as Keras
            resolves it against ``~/.keras/datasets``). Default ``<cache home>/<cache_name>``.
        sources: the sources tried after the cache; tests pass fakes with ``name`` and
            ``fetch(spec)``.
        cache: read and write the cache file (False: only the sources).

    Raises:
        DatasetUnavailableError: no source worked; the message lists each one and why.
    """
    home = cache_home()
    given, cache_file = _resolve(path, home, spec.cache_name)
    chain = list(default_sources(home) if sources is None else sources)
    if given is not None:
        chain.insert(0, NpzFileSource(given))
    return fetch_arrays(spec, chain, cache_file if cache else None)


def keras_tuples(
    arrays: dict,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: the dict of load_arrays() as Keras returns it."""
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
