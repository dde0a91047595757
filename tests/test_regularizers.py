"""Regularizers: docs/keras-reference.md A7 (no 1/2 in L2, l1_l2 versions, string lookup)."""

import re

import numpy as np
import pytest

from scratchdl import regularizers as R
from scratchdl.gradcheck import numerical_gradient, relative_error

W = np.array([[1.0, -2.0, 0.0], [0.5, -0.25, 3.0]])  # sum|w| = 6.75, sum w^2 = 14.3125


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_penalties_hand_computed():
    assert R.L1(0.1)(W) == pytest.approx(0.675, rel=1e-12)
    assert R.L2(0.1)(W) == pytest.approx(1.43125, rel=1e-12)  # no 1/2
    assert R.L1L2(l1=0.1, l2=0.2)(W) == pytest.approx(0.675 + 2.8625, rel=1e-12)
    assert R.L1()(W) == pytest.approx(0.0675, rel=1e-12)  # default 0.01
    assert R.L2()(W) == pytest.approx(0.143125, rel=1e-12)
    assert R.L1L2()(W) == 0.0  # class defaults 0.0, 0.0
    assert isinstance(R.L2(0.1)(W), float)


def test_gradients_hand_computed():
    np.testing.assert_allclose(R.L2(0.1).gradient(W), 0.2 * W, rtol=1e-15)
    np.testing.assert_array_equal(R.L1(0.5).gradient(W), [[0.5, -0.5, 0.0], [0.5, -0.5, 0.5]])
    np.testing.assert_allclose(R.L1L2(0.5, 0.1).gradient(W), 0.5 * np.sign(W) + 0.2 * W, rtol=1e-15)


def test_l1_gradient_at_zero_is_zero():
    assert R.L1(1.0).gradient(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def _random_away_from_zero(rng, shape):
    x = rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return x.astype(np.float64)


@pytest.mark.parametrize("reg", [R.L1(0.3), R.L2(0.7), R.L1L2(0.2, 0.05), R.l1_l2()], ids=repr)
def test_gradient_check_random_shapes(reg, rng):
    for _ in range(3):
        shape = tuple(int(d) for d in rng.integers(1, 6, size=rng.integers(1, 4)))
        w = _random_away_from_zero(rng, shape)
        numeric = numerical_gradient(lambda w=w: reg(w), w)
        assert np.abs(numeric).max() > 0
        assert relative_error(reg.gradient(w), numeric) < 1e-6


@pytest.mark.parametrize("reg", [R.L1(0.3), R.L2(0.7), R.L1L2(0.2, 0.05)], ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_keeps_dtype(reg, dtype):
    w = W.astype(dtype)
    assert reg.gradient(w).dtype == dtype
    assert isinstance(reg(w), float)


def test_legacy_l_keyword():
    assert R.L1(l=0.3).l1 == 0.3
    assert R.L2(l=0.4).l2 == 0.4


def test_lowercase_aliases_and_l1_l2_versions():
    assert R.l1 is R.L1 and R.l2 is R.L2
    reg = R.l1_l2()  # tf.keras 2.x: a function with defaults 0.01, 0.01
    assert isinstance(reg, R.L1L2) and (reg.l1, reg.l2) == (0.01, 0.01)
    reg = R.l1_l2(l1=0.0, l2=0.3)
    assert (reg.l1, reg.l2) == (0.0, 0.3)


@pytest.mark.parametrize(
    "name, cls, config",
    [("l1", R.L1, {"l1": 0.01}), ("l2", R.L2, {"l2": 0.01}), ("L2", R.L2, {"l2": 0.01}),
     ("l1l2", R.L1L2, {"l1": 0.0, "l2": 0.0}), ("L1L2", R.L1L2, {"l1": 0.0, "l2": 0.0}),
     ("l1_l2", R.L1L2, {"l1": 0.01, "l2": 0.01})],
)  # fmt: skip
def test_string_lookup(name, cls, config):
    reg = R.get(name)
    assert type(reg) is cls and reg.get_config() == config


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'l3'") as err:
        R.get("l3")
    assert "l1_l2" in str(err.value) and "l2" in str(err.value)


@pytest.mark.parametrize(
    "make, quoted",
    [(lambda: R.L1(-0.1), "l1=-0.1"), (lambda: R.L2(l2=-1), "l2=-1"),
     (lambda: R.L2(l=-0.5), "l2=-0.5"), (lambda: R.L1L2(0.1, -0.2), "l2=-0.2"),
     (lambda: R.l1_l2(l1=-3.0), "l1=-3.0"), (lambda: R.L2("big"), "l2='big'"),
     (lambda: R.L1(float("nan")), "l1=nan")],
)  # fmt: skip
def test_bad_factors_quote_the_value(make, quoted):
    with pytest.raises(ValueError, match=re.escape(quoted)):
        make()


@pytest.mark.parametrize("reg", [R.L1(0.3), R.L2(0.02), R.L1L2(0.1, 0.2)], ids=repr)
def test_serialize_round_trip(reg):
    cfg = R.serialize(reg)
    assert cfg["class_name"] == type(reg).__name__
    again = R.deserialize(cfg)
    assert type(again) is type(reg) and again.get_config() == reg.get_config()
    assert again(W) == reg(W)
    assert R.get(cfg).get_config() == reg.get_config()


def test_get_passes_through():
    reg = R.L2()
    assert R.get(reg) is reg and R.get(None) is None
    assert isinstance(R.get(R.L1), R.L1)

    def custom(w):
        return 0.0

    assert R.get(custom) is custom
    with pytest.raises(ValueError, match="42"):
        R.get(42)
    with pytest.raises(ValueError, match="class_name"):
        R.deserialize({"l2": 0.1})
