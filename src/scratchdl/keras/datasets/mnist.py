"""``keras.datasets.mnist``: ``load_data(path="mnist.npz")``."""

from scratchdl.datasets.mnist import load_data

__all__ = ["load_data"]
