"""The format and load functions MNIST and Fashion-MNIST share (datasets/mnist_format.py)."""

import numpy as np

from scratchdl.datasets import fashion_mnist, mnist, mnist_format


def test_both_datasets_use_the_shared_format():
    assert mnist.SPEC.shapes == fashion_mnist.SPEC.shapes == mnist_format.SHAPES
    assert mnist.SPEC.shapes is not fashion_mnist.SPEC.shapes  # each spec owns its dict
    assert mnist.IDX_FILES is mnist_format.IDX_FILES  # still importable from mnist


def test_keras_tuples_orders_the_arrays_as_keras():
    a = {k: np.full(1, i) for i, k in enumerate(("x_train", "y_train", "x_test", "y_test"))}
    (x, y), (xt, yt) = mnist_format.keras_tuples(a)
    assert [int(v[0]) for v in (x, y, xt, yt)] == [0, 1, 2, 3]


def test_a_relative_path_names_the_cache_file_in_the_cache_home(tmp_path):
    given, cache_file = mnist_format._resolve("other.npz", tmp_path, "mnist.npz")
    assert given is None and cache_file == tmp_path / "other.npz"
    given, cache_file = mnist_format._resolve(None, tmp_path, "mnist.npz")
    assert given is None and cache_file == tmp_path / "mnist.npz"
