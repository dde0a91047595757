"""Activations: gradient checks, Keras numbers (docs/keras-reference.md A1), dtypes, get()."""

import math
import warnings

import numpy as np
import pytest

from scratchdl import activations as A
from scratchdl.gradcheck import check_function

SEED = 20240502

# every named activation plus the hyper-parameter variants; kinks to keep inputs away from
VARIANTS = [(name, lambda n=name: A.get(n)) for name in A.names()] + [
    ("ReLU(max_value=2.5)", lambda: A.ReLU(max_value=2.5)),
    ("ReLU(negative_slope=0.1)", lambda: A.ReLU(negative_slope=0.1)),
    ("ReLU(threshold=0.7)", lambda: A.ReLU(threshold=0.7)),
    ("ReLU(all)", lambda: A.ReLU(max_value=2.5, negative_slope=0.3, threshold=0.7)),
    ("ReLU(threshold<0)", lambda: A.ReLU(negative_slope=0.2, threshold=-1.1)),
    ("LeakyReLU(0.3)", lambda: A.LeakyReLU(0.3)),
    ("ELU(0.5)", lambda: A.ELU(alpha=0.5)),
    ("GELU(approximate)", lambda: A.GELU(approximate=True)),
    ("Softmax(axis=0)", lambda: A.Softmax(axis=0)),
    ("LogSoftmax(axis=1)", lambda: A.LogSoftmax(axis=1)),
]
# kinks of the relu-like functions, and the stationary points of silu (-1.278), gelu (-0.752)
# and mish (-1.192), where dy/dz ~ 0 makes the relative error of a correct gradient noisy
KINKS = np.array([0.0, 6.0, 2.5, -2.5, 0.7, -1.1, -1.278, -0.752, -1.192])


def _away_from_kinks(x, margin=0.05):
    """Shift entries lying within ``margin`` of a kink or stationary point away from it."""
    for _ in range(10):
        near = np.min(np.abs(x[..., None] - KINKS), axis=-1) < margin
        x = np.where(near, x + 3 * margin, x)
    assert not np.any(near)
    return x


def _random_shape(rng):
    ndim = int(rng.integers(1, 4))
    return tuple(int(d) for d in rng.integers(3, 7, size=ndim) * (3 if ndim == 1 else 1))


def _check(act, x, rng):
    cache = {}

    def forward(z):
        cache["z"], cache["y"] = z.copy(), act.forward(z)
        return cache["y"]

    def backward(G):
        return act.backward(G, cache["z"], cache["y"])

    return check_function(act.name, forward, backward, x, rng)


@pytest.mark.parametrize("label,make", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_gradient_check_random_shape_and_upstream(label, make):
    rng = np.random.default_rng(SEED + len(label))
    for _ in range(2):
        shape = _random_shape(rng)
        if label == "Softmax(axis=0)" or label.startswith("LogSoftmax"):
            shape = shape if len(shape) >= 2 else (3, *shape)
        high = 7.5 if label in ("relu6", "exponential") else 3.5  # saturating ones: |x| small
        x = _away_from_kinks(rng.uniform(-3.5, high, size=shape))
        _check(make(), x, rng).assert_ok()


@pytest.mark.parametrize("label,make", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_float32_stays_float32_and_float64_on_request(label, make):
    act = make()
    for dtype in (np.float32, np.float64):
        z = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
        y = act.forward(z)
        dz = act.backward(np.ones_like(z), z, y)
        assert y.dtype == dtype and dz.dtype == dtype, (label, y.dtype, dz.dtype)


def test_a_wrong_backward_fails_the_check():
    class Broken(A.Sigmoid):
        def backward(self, dout, z, y):
            return dout * y  # missing (1 - y)

    with pytest.raises(AssertionError):
        _check(
            Broken(), np.random.default_rng(0).standard_normal((3, 4)), np.random.default_rng(1)
        ).assert_ok()


def test_sigmoid_is_stable_and_saturates_exactly():
    for dtype in (np.float32, np.float64):
        x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = A.sigmoid(x)
            dz = A.Sigmoid().backward(np.ones_like(x), x, y)
        assert y.dtype == dtype and y[0] == 0.0 and y[-1] == 1.0 and y[2] == 0.5
        assert np.all(np.isfinite(dz)) and dz[0] == 0.0
    # relative accuracy in the tail (the 0.5*(1+tanh) form would lose it)
    assert A.sigmoid(np.array([-30.0]))[0] == pytest.approx(1 / (1 + math.exp(30)), rel=1e-12)


def test_softmax_of_large_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = A.softmax(np.array([[1000.0, 1000.0, 0.0], [-1000.0, 0.0, 1000.0]]))
        ls = A.log_softmax(np.array([[1000.0, 1000.0, 0.0]]))
    np.testing.assert_allclose(y, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(ls, [[-math.log(2), -math.log(2), -1000 - math.log(2)]])
    np.testing.assert_allclose(A.softmax(np.ones((2, 3)), axis=0), np.full((2, 3), 0.5))


def test_softplus_is_stable():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = A.softplus(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(y, [0.0, math.log(2), 1000.0])


def test_leaky_relu_string_has_slope_0_2():
    x = np.array([-2.0, 3.0])
    np.testing.assert_allclose(A.get("leaky_relu").forward(x), [-0.4, 3.0])
    np.testing.assert_allclose(A.leaky_relu(x), [-0.4, 3.0])
    np.testing.assert_allclose(A.LeakyReLU(0.3).forward(x), [-0.6, 3.0])
    assert A.get("leaky_relu").negative_slope == 0.2


def test_hard_sigmoid_follows_tf_keras_2():
    np.testing.assert_allclose(
        A.hard_sigmoid(np.array([1.0, -3.0, 0.0, 3.0])), [0.7, 0.0, 0.5, 1.0]
    )


def test_relu_options_as_the_keras_relu_layer():
    x = np.array([-3.0, -1.0, 0.0, 2.0])
    np.testing.assert_allclose(A.ReLU().forward(x), [0.0, 0.0, 0.0, 2.0])
    np.testing.assert_allclose(A.ReLU(max_value=1.0).forward(x), [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(A.ReLU(negative_slope=1.0).forward(x), [-3.0, -1.0, 0.0, 2.0])
    np.testing.assert_allclose(A.ReLU(threshold=1.5).forward(x), [0.0, 0.0, 0.0, 2.0])
    # below the threshold: negative_slope * (x - threshold)
    np.testing.assert_allclose(A.relu(np.array([0.5]), negative_slope=0.5, threshold=1.5), [-0.5])
    np.testing.assert_allclose(A.relu6(np.array([-1.0, 3.0, 9.0])), [0.0, 3.0, 6.0])


def test_closed_forms():
    x = np.array([1.0])
    assert A.selu(x)[0] == pytest.approx(1.0507009873554805)
    assert A.selu(np.array([-1e3]))[0] == pytest.approx(-1.0507009873554805 * 1.6732632423543772)
    assert A.elu(np.array([-1.0]), alpha=2.0)[0] == pytest.approx(2 * (math.exp(-1) - 1))
    assert A.gelu(x)[0] == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), rel=1e-12)
    tanh_form = 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715)))
    assert A.gelu(x, approximate=True)[0] == pytest.approx(tanh_form, rel=1e-12)
    assert A.swish(x)[0] == pytest.approx(1 / (1 + math.exp(-1)))
    assert A.mish(x)[0] == pytest.approx(math.tanh(math.log1p(math.e)))
    assert A.softsign(np.array([3.0]))[0] == pytest.approx(0.75)
    assert A.exponential(x)[0] == pytest.approx(math.e)


def test_module_functions_cast_integers_to_float32():
    assert A.relu(np.array([0, 2], dtype=np.uint8)).dtype == np.float32
    assert A.sigmoid([0, 1]).dtype == np.float32
    assert A.tanh(np.array([1.0], dtype=np.float32)).dtype == np.float32


def test_get_accepts_none_names_instances_functions_dicts():
    assert isinstance(A.get(None), A.Linear)
    assert isinstance(A.get("relu"), A.ReLU)
    inst = A.ELU(alpha=0.5)
    assert A.get(inst) is inst
    relu = A.get(A.relu)
    assert (
        isinstance(relu, A.ReLU) and relu.backward(np.ones(2), np.array([-1.0, 1.0]), None)[1] == 1
    )
    assert A.get(A.sigmoid).name == "sigmoid" and A.get("swish").name == "swish"
    restored = A.get(A.serialize(inst))
    assert isinstance(restored, A.ELU) and restored.alpha == 0.5
    assert A.serialize(A.get("relu")) == "relu"


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"'Relu'.*'relu'.*'softmax'"):
        A.get("Relu")
    with pytest.raises(ValueError, match="Could not interpret activation identifier: 3"):
        A.get(3)


def test_plain_callable_forward_works_backward_explains():
    act = A.get(np.sin)
    np.testing.assert_allclose(act.forward(np.array([0.0])), [0.0])
    with pytest.raises(ValueError, match="'sin' is a plain callable without a backward"):
        act.backward(np.ones(1), np.zeros(1), np.zeros(1))


@pytest.mark.parametrize(
    "make,value",
    [
        (lambda: A.ReLU(negative_slope=-1), "negative_slope=-1"),
        (lambda: A.ReLU(max_value=-2.0), "max_value=-2.0"),
        (lambda: A.LeakyReLU(negative_slope=-0.1), "negative_slope=-0.1"),
        (lambda: A.ReLU(threshold=None), "threshold=None"),
    ],
)
def test_bad_hyper_parameters_quote_the_value(make, value):
    with pytest.raises(ValueError, match=value):
        make()
