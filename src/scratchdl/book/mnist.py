"""The book's ``dataset/mnist.py``: ``load_mnist`` on scratchdl's verified MNIST loader.

    from scratchdl.book.mnist import load_mnist
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

Convention: the data come from ``scratchdl.datasets.mnist.load_arrays`` (cache, checksums,
several mirrors; see that module), not from a ``mnist.pkl`` next to the source file; the
arrays are the same as the book's.
"""

from __future__ import annotations

import numpy as np

from scratchdl.datasets import mnist as mnist_data
from scratchdl.datasets.utils import to_categorical

__all__ = ["load_mnist", "IMG_SIZE", "IMG_DIM"]

IMG_SIZE = 784
IMG_DIM = (1, 28, 28)


def _images(x, normalize, flatten):
    x = x.reshape(-1, IMG_SIZE) if flatten else x.reshape(-1, *IMG_DIM)
    return x.astype(np.float32) / 255.0 if normalize else x


def _labels(t, one_hot_label):
    return to_categorical(t, 10, dtype=np.float64) if one_hot_label else t


def load_mnist(normalize=True, flatten=True, one_hot_label=False):
    """Load MNIST as the book does.

    Args:
        normalize: pixels as float32 in [0, 1] (``x.astype(float32) / 255``); otherwise
            uint8 in 0..255.
        flatten: images as rows of 784; otherwise (N, 1, 28, 28).
        one_hot_label: labels as (N, 10) float64 one-hot rows; otherwise uint8 class ids (N,).

    Returns:
        ``(x_train, t_train), (x_test, t_test)`` with 60 000 and 10 000 samples.
    """
    a = mnist_data.load_arrays()
    return (
        (_images(a["x_train"], normalize, flatten), _labels(a["y_train"], one_hot_label)),
        (_images(a["x_test"], normalize, flatten), _labels(a["y_test"], one_hot_label)),
    )
