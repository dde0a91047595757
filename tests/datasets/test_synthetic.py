"""Generated datasets: shapes, dtypes, labels, determinism, bad arguments."""

import numpy as np
import pytest

from scratchdl.datasets import synthetic

MAKERS = [
    (synthetic.spirals, {"n_per_class": 50, "n_classes": 3}, 150),
    (synthetic.xor, {"n": 120}, 120),
    (synthetic.two_moons, {"n": 101}, 101),
    (synthetic.regression, {"n": 80, "n_features": 3}, 80),
]


@pytest.mark.parametrize(("make", "kwargs", "n"), MAKERS)
def test_same_seed_same_data_other_seed_other_data(make, kwargs, n):
    x1, y1 = make(**kwargs, rng=5)
    x2, y2 = make(**kwargs, rng=np.random.default_rng(5))
    x3, _ = make(**kwargs, rng=6)
    assert x1.dtype == np.float32 and len(x1) == len(y1) == n
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


def test_spirals_classes_and_radius():
    x, y = synthetic.spirals(n_per_class=40, n_classes=4, noise=0.0, rng=0)
    assert x.shape == (160, 2) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [40] * 4
    assert np.linalg.norm(x, axis=1).max() < 1.0


def test_xor_labels_are_the_xor_of_the_corners():
    x, y = synthetic.xor(n=200, noise=0.0, rng=0)
    np.testing.assert_array_equal(y, (x[:, 0] != x[:, 1]).astype(np.int64))
    assert set(np.unique(y)) == {0, 1}


def test_two_moons_split_and_shape():
    x, y = synthetic.two_moons(n=101, noise=0.0, rng=0)
    assert np.bincount(y).tolist() == [50, 51]
    upper = x[y == 0]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0, atol=1e-6)


def test_regression_targets_are_a_column():
    x, y = synthetic.regression(n=50, n_features=2, noise=0.0, rng=1)
    assert x.shape == (50, 2) and y.shape == (50, 1) and y.dtype == np.float32
    w = np.linspace(1.0, 2.0, 2)
    expected = (
        np.sin(np.pi * (x.astype(np.float64) @ w) / 2) + 0.5 * x[:, 0].astype(np.float64) ** 2
    )
    np.testing.assert_allclose(y[:, 0], expected, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: synthetic.spirals(n_per_class=0), "n_per_class=0"),
        (lambda: synthetic.xor(n=2.5), "n=2.5"),
        (lambda: synthetic.two_moons(noise=-1), "noise=-1"),
        (lambda: synthetic.regression(n_features=True), "n_features=True"),
        (lambda: synthetic.xor(rng="x"), "rng='x'"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
