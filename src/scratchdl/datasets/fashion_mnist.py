"""Fashion-MNIST (Zalando): 28x28 grayscale images of 10 kinds of clothing, MNIST's format.

Sources, in order (each result is checked against the SHA-256 constants below):

1. the cache ``<cache home>/fashion-mnist.npz``;
2. IDX files you placed in ``<cache home>/fashion-mnist/``;
3. the IDX ``.gz`` files on Keras's mirror;
4. the IDX files of the Debian package ``dataset-fashion-mnist`` when it is installed
   (``apt-get install dataset-fashion-mnist``).

Convention: like Keras, uint8 arrays x (n, 28, 28), y (n,), canonical order (first train
labels 9 0 0 3 0, first test labels 9 2 1 1 6). The SHA-256 constants were computed from the
decoded arrays of Debian's package (0.0~git20200523.55506a9-1); Keras checks no hash at all.

Reference: H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
Benchmarking Machine Learning Algorithms", arXiv:1708.07747 (2017).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.datasets import mnist_format
from scratchdl.datasets.fetchers import DebianPackageSource, IdxDirectorySource, UrlIdxSource
from scratchdl.datasets.mnist_format import IDX_FILES, SHAPES, keras_tuples
from scratchdl.datasets.sources import DatasetSpec, cache_home

__all__ = ["CLASS_NAMES", "SPEC", "default_sources", "load_arrays", "load_data"]

#: Label -> class name (Keras's docstring and the dataset's README).
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
DEBIAN_PACKAGE = "dataset-fashion-mnist"
KERAS_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

SPEC = DatasetSpec(
    name="Fashion-MNIST",
    cache_name="fashion-mnist.npz",
    shapes=dict(SHAPES),
    sha256={
        "x_train": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
        "y_train": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
        "x_test": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
        "y_test": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
    },
    first_labels={"y_train": (9, 0, 0, 3, 0), "y_test": (9, 2, 1, 1, 6)},
    hint=(
        "or put the four IDX files in {home}/fashion-mnist/, or (Debian/Ubuntu, as "
        f"root) apt-get install -y {DEBIAN_PACKAGE};"
    ),
)


def default_sources(home: str | os.PathLike | None = None) -> list:
    """The sources tried after the cache, in order (a fresh list; edit it freely)."""
    home = cache_home() if home is None else Path(home)
    return [
        IdxDirectorySource(home / "fashion-mnist", IDX_FILES),
        UrlIdxSource(KERAS_MIRROR, IDX_FILES),
        DebianPackageSource(DEBIAN_PACKAGE, IDX_FILES),
    ]


def load_arrays(sources: Sequence[Any] | None = None, cache: bool = True) -> dict:
    """Return the verified arrays ``{x_train, y_train, x_test, y_test}`` (uint8).

    Args:
        sources: tried after the cache (default: default_sources()).
        cache: read and write ``<cache home>/fashion-mnist.npz``.

    Raises:
        DatasetUnavailableError: no source worked; the message lists each one and why.
    """
    return mnist_format.load_arrays(SPEC, default_sources, sources=sources, cache=cache)


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Keras's ``fashion_mnist.load_data``: ``(x_train, y_train), (x_test, y_test)``, uint8."""
    return keras_tuples(load_arrays())
