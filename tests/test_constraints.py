"""Constraints: the formulas of docs/keras-reference.md A7 (eps = 1e-7), axis handling, names."""

import re

import numpy as np
import pytest

from scratchdl import constraints as C

EPS = 1e-7
# A Dense kernel (in=2, out=3): column (= unit) norms 5, 1 and 0.
K = np.array([[3.0, 0.0, 0.0], [4.0, 1.0, 0.0]])


def test_max_norm_per_unit_hand_computed():
    got = C.MaxNorm(max_value=2)(K)
    expected = np.array(
        [[3 * 2 / (EPS + 5), 0.0, 0.0], [4 * 2 / (EPS + 5), 1 * 1 / (EPS + 1), 0.0]]
    )
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(np.linalg.norm(got, axis=0), [2, 1, 0], rtol=1e-6)


def test_max_norm_default_is_2_per_column():
    c = C.MaxNorm()
    assert (c.max_value, c.axis) == (2.0, 0)
    np.testing.assert_array_equal(c(K), C.MaxNorm(2, axis=0)(K))


def test_max_norm_axis_1_is_per_row():
    got = C.MaxNorm(max_value=2, axis=1)(K)  # row norms 3 and sqrt(17)
    r1 = np.sqrt(17.0)
    expected = np.array([[3 * 2 / (EPS + 3), 0, 0], [4 * 2 / (EPS + r1), 2 / (EPS + r1), 0]])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_non_neg():
    w = np.array([[-1.0, 2.0], [0.5, -3.0]], dtype=np.float32)
    got = C.NonNeg()(w)
    np.testing.assert_array_equal(got, [[0.0, 2.0], [0.5, 0.0]])
    assert got.dtype == np.float32


def test_unit_norm_hand_computed():
    got = C.UnitNorm()(K)
    expected = np.array([[3 / (EPS + 5), 0, 0], [4 / (EPS + 5), 1 / (EPS + 1), 0]])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    assert C.UnitNorm().axis == 0


def test_min_max_norm_hand_computed():
    got = C.MinMaxNorm(min_value=2.0, max_value=3.0, rate=0.5)(K)
    # col 0: norm 5 -> desired 0.5*3 + 0.5*5 = 4;  col 1: norm 1 -> desired 0.5*2 + 0.5*1 = 1.5
    expected = np.array([[3 * 4 / (EPS + 5), 0, 0], [4 * 4 / (EPS + 5), 1.5 / (EPS + 1), 0]])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_min_max_norm_defaults_project_onto_unit_ball():
    c = C.MinMaxNorm()
    assert (c.min_value, c.max_value, c.rate, c.axis) == (0.0, 1.0, 1.0, 0)
    expected = np.array([[3 / (EPS + 5), 0, 0], [4 / (EPS + 5), 1 / (EPS + 1), 0]])
    np.testing.assert_allclose(c(K), expected, rtol=1e-15, atol=0)


def test_dense_kernel_acts_per_unit():
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.2, (100, 10))
    w[:, :5] *= 10  # five units with big norms, five small
    got = C.MaxNorm(3.0)(w)
    norms = np.linalg.norm(got, axis=0)
    np.testing.assert_allclose(norms[:5], 3.0, rtol=1e-6)
    np.testing.assert_allclose(got[:, 5:], w[:, 5:], rtol=1e-6)  # already inside: ~unchanged


def test_conv_kernel_list_axis():
    rng = np.random.default_rng(1)
    w = rng.normal(0, 1, (3, 3, 4, 6))
    got = C.MaxNorm(1.0, axis=[0, 1, 2])(w)
    np.testing.assert_allclose(np.sqrt((got**2).sum(axis=(0, 1, 2))), 1.0, rtol=1e-6)


@pytest.mark.parametrize(
    "c", [C.MaxNorm(0.5), C.NonNeg(), C.UnitNorm(), C.MinMaxNorm(0.2, 0.4, 0.7)], ids=repr
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_preserved(c, dtype):
    w = K.astype(dtype)
    got = c(w)
    assert got.dtype == dtype and got.shape == K.shape


@pytest.mark.parametrize(
    "name, cls",
    [("max_norm", C.MaxNorm), ("MaxNorm", C.MaxNorm), ("non_neg", C.NonNeg),
     ("NonNeg", C.NonNeg), ("unit_norm", C.UnitNorm), ("UnitNorm", C.UnitNorm),
     ("min_max_norm", C.MinMaxNorm), ("MinMaxNorm", C.MinMaxNorm)],
)  # fmt: skip
def test_string_lookup(name, cls):
    assert type(C.get(name)) is cls


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'maxnorm'") as err:
        C.get("maxnorm")
    assert "max_norm" in str(err.value) and "non_neg" in str(err.value)


@pytest.mark.parametrize(
    "make, quoted",
    [(lambda: C.MaxNorm(-1), "max_value=-1"),
     (lambda: C.MinMaxNorm(min_value=2.0, max_value=1.0), "max_value=1.0"),
     (lambda: C.MinMaxNorm(min_value=-0.5), "min_value=-0.5"),
     (lambda: C.MinMaxNorm(rate=1.5), "rate=1.5"),
     (lambda: C.UnitNorm(axis="0"), "axis='0'"),
     (lambda: C.MaxNorm(axis=1.5), "axis=1.5")],
)  # fmt: skip
def test_bad_arguments_quote_the_value(make, quoted):
    with pytest.raises(ValueError, match=re.escape(quoted)):
        make()


@pytest.mark.parametrize(
    "c", [C.MaxNorm(3, axis=[0, 1]), C.NonNeg(), C.UnitNorm(1), C.MinMaxNorm(0.1, 2, 0.3)],
    ids=repr,
)  # fmt: skip
def test_serialize_round_trip(c):
    cfg = C.serialize(c)
    again = C.deserialize(cfg)
    assert type(again) is type(c) and again.get_config() == c.get_config()
    assert C.get(cfg).get_config() == c.get_config()


def test_get_passes_through():
    c = C.NonNeg()
    assert C.get(c) is c and C.get(None) is None
    assert isinstance(C.get(C.UnitNorm), C.UnitNorm)
    assert C.get(np.abs) is np.abs
    with pytest.raises(ValueError, match="7"):
        C.get(7)
