"""scratchdl.book.util (smooth_curve, shuffle_dataset) and scratchdl.book.mnist.load_mnist."""

import numpy as np
import pytest

from scratchdl.book.dataset.mnist import load_mnist as dataset_load_mnist
from scratchdl.book.mnist import load_mnist
from scratchdl.book.util import conv_output_size, shuffle_dataset, smooth_curve


def book_smooth(x):
    """docs/book.md a.9 written out: Kaiser(11, beta 2), mirrored ends, same length."""
    s = np.r_[x[10:0:-1], x, x[-1:-11:-1]]
    w = np.kaiser(11, 2)
    y = np.convolve(w / w.sum(), s, mode="valid")
    return y[5 : len(y) - 5]


def test_smooth_curve_matches_the_books_definition(rng):
    x = rng.standard_normal(57).cumsum()
    y = smooth_curve(x)
    assert y.shape == x.shape
    np.testing.assert_allclose(y, book_smooth(x), rtol=1e-13)
    np.testing.assert_allclose(smooth_curve(np.full(20, 3.0)), 3.0)
    assert np.std(np.diff(smooth_curve(rng.standard_normal(200)))) < 0.5
    with pytest.raises(ValueError, match="at least 11 values, received 5"):
        smooth_curve([1, 2, 3, 4, 5])


def test_shuffle_dataset_permutes_together_and_follows_np_random_seed():
    x = np.arange(40).reshape(10, 1, 2, 2)  # 4-D works
    t = np.arange(10)
    np.random.seed(2)
    xs, ts = shuffle_dataset(x, t)
    assert np.array_equal(xs[:, 0, 0, 0] // 4, ts) and sorted(ts) == list(range(10))
    np.random.seed(2)
    assert np.array_equal(shuffle_dataset(x, t)[1], ts)
    assert np.array_equal(shuffle_dataset(x, t, rng=4)[1], shuffle_dataset(x, t, rng=4)[1])


def test_conv_output_size_uses_float_division():
    assert conv_output_size(28, 5, stride=2, pad=1) == 13.5


def test_load_mnist_shapes_and_dtypes():
    (x, t), (xt, tt) = load_mnist()
    assert x.shape == (60000, 784) and xt.shape == (10000, 784)
    assert x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
    assert t.dtype == np.uint8 and t[:5].tolist() == [5, 0, 4, 1, 9] and tt.shape == (10000,)
    (x, t), (xt, tt) = load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x.shape == (60000, 1, 28, 28) and x.dtype == np.uint8 and x.max() == 255
    assert t.shape == (60000, 10) and t.dtype == np.float64
    assert t[0].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0] and tt.shape == (10000, 10)
    assert dataset_load_mnist is load_mnist
