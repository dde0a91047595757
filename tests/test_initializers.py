"""Initializers: docs/keras-reference.md A6 and book.md a.6 (weight_init_std)."""

import math
import re

import numpy as np
import pytest

from scratchdl import initializers as I

TRUNC = 0.87962566103423978  # A6: std of N(0, 1) truncated at +-2
BIG = (1000, 1000)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def rel(a, b):
    return abs(a - b) / abs(b)


# Expected std / bound of each distribution, written from A6 for a (1000, 1000) kernel
# (fan_in = fan_out = fan_avg = 1000).
NORMAL_CASES = [
    # (name or instance, expected empirical std, truncation bound or None)
    ("random_normal", 0.05, None),
    (I.RandomNormal(mean=0.0, stddev=0.2), 0.2, None),
    ("truncated_normal", 0.05 * TRUNC, 2 * 0.05),
    ("glorot_normal", math.sqrt(2 / 2000), 2 * math.sqrt(2 / 2000) / TRUNC),
    ("he_normal", math.sqrt(2 / 1000), 2 * math.sqrt(2 / 1000) / TRUNC),
    ("lecun_normal", math.sqrt(1 / 1000), 2 * math.sqrt(1 / 1000) / TRUNC),
    (I.VarianceScaling(3.0, "fan_out", "untruncated_normal"), math.sqrt(3 / 1000), None),
    (I.VarianceScaling(0.5, "fan_avg", "truncated_normal"), math.sqrt(0.5 / 1000), None),
]
UNIFORM_CASES = [
    # (name or instance, expected bound)
    ("random_uniform", 0.05),
    ("glorot_uniform", math.sqrt(6 / 2000)),
    ("he_uniform", math.sqrt(6 / 1000)),
    ("lecun_uniform", math.sqrt(3 / 1000)),
    (I.VarianceScaling(2.0, "fan_in", "uniform"), math.sqrt(3 * 2.0 / 1000)),
]


@pytest.mark.parametrize("ident, std, bound", NORMAL_CASES, ids=str)
def test_normal_family_std_and_truncation(ident, std, bound, rng):
    w = I.get(ident)(BIG, rng)
    assert w.dtype == np.float32 and w.shape == BIG
    assert rel(float(w.std()), std) < 0.03
    assert abs(float(w.mean())) < 0.03 * std
    if bound is not None:
        assert float(np.abs(w).max()) <= bound * (1 + 1e-6)
        assert float(np.abs(w).max()) > 0.99 * bound  # the cut is at 2 sigma, not tighter


@pytest.mark.parametrize("ident, limit", UNIFORM_CASES, ids=str)
def test_uniform_family_bounds_and_std(ident, limit, rng):
    w = I.get(ident)(BIG, rng)
    assert w.dtype == np.float32
    assert float(w.max()) <= limit and float(w.min()) >= -limit
    assert float(w.max()) > 0.99 * limit and float(w.min()) < -0.99 * limit
    assert rel(float(w.std()), limit / math.sqrt(3)) < 0.03


def test_untruncated_normal_is_not_cut(rng):
    w = I.VarianceScaling(1.0, distribution="untruncated_normal")(BIG, rng)
    assert float(np.abs(w).max()) > 4 * math.sqrt(1 / 1000)


def test_random_uniform_custom_range(rng):
    w = I.RandomUniform(minval=2.0, maxval=5.0)((200, 300), rng, np.float64)
    assert w.dtype == np.float64 and w.min() >= 2.0 and w.max() <= 5.0
    assert rel(float(w.mean()), 3.5) < 0.01


@pytest.mark.parametrize(
    "shape, fans",
    [((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 16, 32), (144, 288)),
     ((5, 4, 2), (20, 10))],
)  # fmt: skip
def test_compute_fans(shape, fans):
    assert I.compute_fans(shape) == fans


@pytest.mark.parametrize(
    "shape, fan_in",
    [((4000,), 4000), ((3, 3, 64, 128), 3 * 3 * 64)],
)
def test_fans_drive_the_scale(shape, fan_in, rng):
    w = I.HeUniform()(shape, rng)
    limit = math.sqrt(6 / fan_in)
    assert float(np.abs(w).max()) <= limit and float(np.abs(w).max()) > 0.99 * limit
    w = I.HeNormal()(shape, rng)
    assert rel(float(w.std()), math.sqrt(2 / fan_in)) < 0.03


def test_empty_and_scalar_shapes_do_not_divide_by_zero(rng):
    w = I.VarianceScaling(1.0, "fan_in", "uniform")((0, 5), rng)  # fan 0 -> max(1, 0)
    assert w.shape == (0, 5)
    w = I.VarianceScaling(1.0, "fan_in", "uniform")((), rng)  # fan 1, limit sqrt(3)
    assert w.shape == () and abs(float(w)) <= math.sqrt(3)


def test_seeded_initializer_repeats_and_ignores_rng():
    init = I.GlorotUniform(seed=7)
    a = init((30, 20), np.random.default_rng(0))
    b = init((30, 20), np.random.default_rng(99))
    c = I.GlorotUniform(seed=8)((30, 20), np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_same_rng_seed_same_values_and_dtypes_agree():
    a = I.HeNormal()((40, 30), np.random.default_rng(5))
    b = I.HeNormal()((40, 30), np.random.default_rng(5))
    c = I.HeNormal()((40, 30), np.random.default_rng(5), np.float64)
    np.testing.assert_array_equal(a, b)
    assert c.dtype == np.float64
    np.testing.assert_array_equal(a, c.astype(np.float32))


ALL_NAMES = ["zeros", "ones", "constant", "identity", "orthogonal", "glorot_uniform",
             "random_normal", "truncated_normal", "variance_scaling", "book_normal"]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_initializer_returns_requested_dtype(name, dtype, rng):
    w = I.get(name)((6, 6), rng, dtype)
    assert w.dtype == dtype and w.shape == (6, 6)


def test_random_initializer_rejects_integer_dtype(rng):
    with pytest.raises(ValueError, match="int32"):
        I.RandomNormal()((2, 2), rng, np.int32)


def test_constant_zeros_ones(rng):
    np.testing.assert_array_equal(I.get("zero")((2, 3), rng), np.zeros((2, 3)))
    np.testing.assert_array_equal(I.get("one")(4, rng), np.ones(4))
    np.testing.assert_array_equal(I.Constant(2.5)((2,), rng), [2.5, 2.5])
    assert I.Constant().value == 0.0


def test_identity(rng):
    np.testing.assert_array_equal(I.Identity(gain=2.0)((2, 3), rng), [[2, 0, 0], [0, 2, 0]])
    with pytest.raises(ValueError, match=r"\(2, 2, 2\)"):
        I.Identity()((2, 2, 2), rng)


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (2, 3, 4, 6)])
def test_orthogonal(shape, rng):
    w = I.Orthogonal(gain=1.5)(shape, rng, np.float64)
    M = w.reshape(-1, shape[-1])
    small = M.T @ M if M.shape[0] >= M.shape[1] else M @ M.T
    np.testing.assert_allclose(small, 1.5**2 * np.eye(small.shape[0]), atol=1e-12)


def test_orthogonal_needs_2d(rng):
    with pytest.raises(ValueError, match=r"\(5,\)"):
        I.Orthogonal()((5,), rng)


@pytest.mark.parametrize(
    "name, cls",
    [("zeros", I.Zeros), ("zero", I.Zeros), ("ones", I.Ones), ("one", I.Ones),
     ("random_normal", I.RandomNormal), ("normal", I.RandomNormal),
     ("random_uniform", I.RandomUniform), ("uniform", I.RandomUniform),
     ("truncated_normal", I.TruncatedNormal), ("glorot_uniform", I.GlorotUniform),
     ("GlorotUniform", I.GlorotUniform), ("glorot_normal", I.GlorotNormal),
     ("he_normal", I.HeNormal), ("HeUniform", I.HeUniform), ("lecun_normal", I.LecunNormal),
     ("lecun_uniform", I.LecunUniform), ("xavier", I.GlorotUniform), ("he", I.HeNormal)],
)  # fmt: skip
def test_string_lookup(name, cls):
    assert type(I.get(name)) is cls


def test_keras_defaults():
    assert I.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}
    assert I.RandomUniform().get_config() == {"minval": -0.05, "maxval": 0.05, "seed": None}
    assert I.TruncatedNormal().stddev == 0.05
    vs = I.VarianceScaling()
    assert (vs.scale, vs.mode, vs.distribution) == (1.0, "fan_in", "truncated_normal")


def test_get_passes_through_and_rejects():
    inst = I.HeNormal()
    assert I.get(inst) is inst and I.get(None) is None
    assert isinstance(I.get(I.LecunUniform), I.LecunUniform)

    def fn(shape, rng, dtype=np.float32):
        return np.zeros(shape, dtype)

    assert I.get(fn) is fn
    with pytest.raises(ValueError, match="3.5"):
        I.get(3.5)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="glorot_unifrom") as err:
        I.get("glorot_unifrom")
    assert "glorot_uniform" in str(err.value) and "he_normal" in str(err.value)


@pytest.mark.parametrize(
    "make, quoted",
    [(lambda: I.RandomNormal(stddev=-0.1), "-0.1"),
     (lambda: I.TruncatedNormal(stddev=-2.0), "-2.0"),
     (lambda: I.RandomUniform(minval=0.5, maxval=0.1), "0.5"),
     (lambda: I.VarianceScaling(scale=0.0), "scale=0.0"),
     (lambda: I.VarianceScaling(scale=-1), "scale=-1"),
     (lambda: I.VarianceScaling(mode="fan_sum"), "fan_sum"),
     (lambda: I.VarianceScaling(distribution="cauchy"), "cauchy"),
     (lambda: I.GlorotUniform(seed="abc"), "abc"),
     (lambda: I.BookNormal("tanh"), "tanh"),
     (lambda: I.BookNormal(-0.01), "-0.01")],
)  # fmt: skip
def test_bad_arguments_quote_the_value(make, quoted):
    with pytest.raises(ValueError, match=re.escape(quoted)):
        make()


def test_normal_distribution_alias_is_truncated():
    assert I.VarianceScaling(distribution="normal").distribution == "truncated_normal"


@pytest.mark.parametrize(
    "init",
    [I.Zeros(), I.Constant(0.3), I.RandomNormal(0.1, 0.2, seed=3), I.RandomUniform(-1, 2),
     I.TruncatedNormal(stddev=0.3), I.VarianceScaling(2.0, "fan_avg", "uniform", seed=1),
     I.GlorotUniform(seed=4), I.HeNormal(), I.LecunUniform(), I.Identity(3.0),
     I.Orthogonal(0.5, seed=2), I.BookNormal("Xavier", seed=5), I.BookNormal(0.01)],
)  # fmt: skip
def test_serialize_round_trip(init, rng):
    cfg = I.serialize(init)
    again = I.deserialize(cfg)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    assert I.get(cfg).get_config() == init.get_config()
    if getattr(init, "seed", None) is not None:
        np.testing.assert_array_equal(init((4, 3), rng), again((4, 3), rng))


def test_deserialize_rejects_garbage():
    with pytest.raises(ValueError, match="class_name"):
        I.deserialize({"config": {}})
    with pytest.raises(ValueError, match="Nope"):
        I.deserialize({"class_name": "Nope", "config": {}})


# --- the book's weight_init_std (book.md a.6) --------------------------------------------


@pytest.mark.parametrize(
    "std, fan_in, expected",
    [("relu", 784, math.sqrt(2 / 784)), ("He", 100, math.sqrt(2 / 100)),
     ("RELU", 50, math.sqrt(2 / 50)), ("sigmoid", 784, math.sqrt(1 / 784)),
     ("Xavier", 100, math.sqrt(1 / 100)), ("SIGMOID", 3, math.sqrt(1 / 3)),
     (0.01, 784, 0.01), (1, 10, 1.0), (np.float64(0.1), 7, 0.1)],
)  # fmt: skip
def test_book_scale(std, fan_in, expected):
    got = I.book_scale(std, fan_in)
    assert type(got) is float and math.isclose(got, expected, rel_tol=1e-12)


@pytest.mark.parametrize(
    "std, expected",
    [("relu", math.sqrt(2 / 1000)), ("xavier", math.sqrt(1 / 1000)), (0.01, 0.01)],
)
def test_book_normal_draw(std, expected, rng):
    w = I.BookNormal(std)(BIG, rng)
    assert w.dtype == np.float32
    assert rel(float(w.std()), expected) < 0.03
    assert float(np.abs(w).max()) > 4 * expected  # plain randn: not truncated


def test_book_normal_uses_fan_in_not_fan_out(rng):
    w = I.BookNormal("he")((50, 4000), rng)
    assert rel(float(w.std()), math.sqrt(2 / 50)) < 0.03
