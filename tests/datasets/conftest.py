"""Fixtures for the dataset tests: the real MNIST (loaded once), a tiny fake dataset and
fake sources for the fetch chain."""

from __future__ import annotations

import numpy as np
import pytest

from scratchdl.datasets.sources import DatasetSpec, array_sha256


@pytest.fixture(scope="session")
def mnist_arrays():
    """The real, verified MNIST arrays, loaded once per session through the default cache
    (``$SCRATCHDL_HOME`` or ``~/.cache/scratchdl``): the first run fetches them (~10 s)."""
    from scratchdl.datasets import mnist

    return mnist.load_arrays()


def make_arrays(seed: int = 0) -> dict:
    """A tiny dataset with MNIST's keys (uint8)."""
    g = np.random.default_rng(seed)
    return {
        "x_train": g.integers(0, 256, size=(6, 4, 4), dtype=np.uint8),
        "y_train": g.integers(0, 10, size=6, dtype=np.uint8),
        "x_test": g.integers(0, 256, size=(3, 4, 4), dtype=np.uint8),
        "y_test": g.integers(0, 10, size=3, dtype=np.uint8),
    }


def make_spec(arrays: dict, name: str = "Tiny") -> DatasetSpec:
    """A spec whose constants are the SHA-256 of ``arrays``."""
    return DatasetSpec(
        name=name,
        cache_name="tiny.npz",
        shapes={k: a.shape for k, a in arrays.items()},
        sha256={k: array_sha256(a) for k, a in arrays.items()},
    )


class FakeSource:
    """A source returning fixed arrays (or raising), counting its calls."""

    def __init__(self, name: str, arrays: dict | None = None, error: Exception | None = None):
        self.name, self.arrays, self.error, self.calls = name, arrays, error, 0

    def fetch(self, spec) -> dict:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return {k: a.copy() for k, a in self.arrays.items()}


@pytest.fixture
def tiny():
    arrays = make_arrays()
    return arrays, make_spec(arrays)
