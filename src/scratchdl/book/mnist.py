"""The book's ``dataset/mnist.py``: ``load_mnist`` on scratchdl's verified MNIST loader.

    from scratchdl.book.dataset.mnist import load_mnist
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

The module offers the book's names (docs/book.md a.1): ``load_mnist``,
``init_mnist``, ``download_mnist`` and the constants ``url_base``, ``key_file``,
``dataset_dir``, ``save_file``, ``train_num``, ``test_num``, ``img_dim``, ``img_size``.

Convention: the data come from ``scratchdl.datasets.mnist.load_arrays`` (a cache checked by
SHA-256, several sources), not from a ``mnist.pkl`` beside the source file.  So
``dataset_dir`` is scratchdl's cache directory, ``save_file`` the verified cache file
(``mnist.npz``, read without unpickling) and ``init_mnist()`` fills that cache; the arrays
``load_mnist`` returns are the book's, value for value and dtype for dtype.
"""

import os

import numpy as np

from scratchdl.datasets import mnist as _mnist_data
from scratchdl.datasets.sources import cache_home as _cache_home

url_base = _mnist_data.IDX_MIRROR  # the book's (JP) mirror; scratchdl tries it among others
key_file = {
    "train_img": "train-images-idx3-ubyte.gz",
    "train_label": "train-labels-idx1-ubyte.gz",
    "test_img": "t10k-images-idx3-ubyte.gz",
    "test_label": "t10k-labels-idx1-ubyte.gz",
}
dataset_dir = str(_cache_home())
save_file = os.path.join(dataset_dir, _mnist_data.SPEC.cache_name)
train_num = 60000
test_num = 10000
img_dim = (1, 28, 28)
img_size = 784

IMG_SIZE = img_size  # scratchdl's earlier names, kept
IMG_DIM = img_dim


def init_mnist() -> None:
    """Make sure MNIST is in the cache (fetching and verifying it if needed), as the book's.

    The book downloads the four ``.gz`` files and pickles them into ``save_file``; here
    scratchdl's loader fills its verified cache.  Returns None, like the book's.
    """
    _mnist_data.load_arrays()
    print(f"MNIST is ready in {dataset_dir}")


def download_mnist() -> None:
    """The book's download step: here the same as ``init_mnist`` (the loader fetches and
    verifies in one go)."""
    init_mnist()


def _images(x, normalize, flatten):
    x = x.reshape(-1, img_size) if flatten else x.reshape(-1, *img_dim)
    return x.astype(np.float32) / 255.0 if normalize else x


def _change_one_hot_label(X):
    """(N,) class ids -> (N, 10) float64 one-hot rows, as the book's helper."""
    T = np.zeros((X.size, 10))
    T[np.arange(X.size), X] = 1
    return T


def _labels(t, one_hot_label):
    return _change_one_hot_label(t) if one_hot_label else t


def load_mnist(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as the book does.

    Args:
        normalize: pixels as float32 in [0, 1] (``x.astype(float32) / 255``); otherwise
            uint8 in 0..255.
        flatten: images as rows of 784; otherwise (N, 1, 28, 28).
        one_hot_label: labels as (N, 10) float64 one-hot rows; otherwise uint8 class ids (N,).

    Returns:
        ``(x_train, t_train), (x_test, t_test)`` with 60 000 and 10 000 samples.
    """
    a = _mnist_data.load_arrays()
    return (
        (_images(a["x_train"], normalize, flatten), _labels(a["y_train"], one_hot_label)),
        (_images(a["x_test"], normalize, flatten), _labels(a["y_test"], one_hot_label)),
    )
