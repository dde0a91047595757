"""Every activation's plain twin (``scratchdl.activations.plain``) equals the engine's object.

At float64 on random inputs plus edge values (kinks, +-30, +-800), forward and
backward agree to 1e-12 relative (1e-14 absolute for entries near zero, where the
plain ``exp(z) - 1`` and ``log(1 + exp(z))`` lose digits the engine's ``expm1`` and
``logaddexp`` keep).  Where the plain formula overflows, the engine's stays finite.
"""

import numpy as np
import pytest

from scratchdl import activations, gradcheck
from scratchdl.activations import plain

RTOL, ATOL = 1e-12, 1e-14
EDGES = np.array([0.0, 2.5, -2.5, 6.0, 1e-9, -1e-9, 30.0, -30.0, 800.0, -800.0])

# name: (engine object, plain forward, plain dy/dz)
ELEMENTWISE = {
    "linear": (activations.Linear(), plain.linear, plain.linear_grad),
    "sigmoid": (activations.Sigmoid(), plain.sigmoid, plain.sigmoid_grad),
    "tanh": (activations.Tanh(), plain.tanh, plain.tanh_grad),
    "relu": (activations.ReLU(), plain.relu, plain.relu_grad),
    "leaky_relu": (activations.LeakyReLU(), plain.leaky_relu, plain.leaky_relu_grad),
    "elu": (activations.ELU(), plain.elu, plain.elu_grad),
    "selu": (activations.SELU(), plain.selu, plain.selu_grad),
    "softplus": (activations.Softplus(), plain.softplus, plain.softplus_grad),
    "softsign": (activations.Softsign(), plain.softsign, plain.softsign_grad),
    "silu": (activations.SiLU(), plain.silu, plain.silu_grad),
    "swish": (activations.SiLU("swish"), plain.silu, plain.silu_grad),
    "gelu": (activations.GELU(), plain.gelu, plain.gelu_grad),
    "exponential": (activations.Exponential(), plain.exponential, plain.exponential_grad),
    "hard_sigmoid": (activations.HardSigmoid(), plain.hard_sigmoid, plain.hard_sigmoid_grad),
    "relu6": (activations.ReLU6(), plain.relu6, plain.relu6_grad),
    "mish": (activations.Mish(), plain.mish, plain.mish_grad),
}
ROWWISE = {
    "softmax": (activations.Softmax(), plain.softmax, plain.softmax_backward),
    "log_softmax": (activations.LogSoftmax(), plain.log_softmax, plain.log_softmax_backward),
}
# hyper-parameters away from the defaults: (engine object, plain kwargs, plain module twins)
WITH_OPTIONS = [
    (activations.ReLU(max_value=6.0), {"max_value": 6.0}, "relu"),
    (activations.ReLU(negative_slope=0.1), {"negative_slope": 0.1}, "relu"),
    (activations.ReLU(threshold=0.5), {"threshold": 0.5}, "relu"),
    (activations.ReLU(4.0, 0.3, 1.0), {"max_value": 4.0, "negative_slope": 0.3, "threshold": 1.0},
     "relu"),
    (activations.LeakyReLU(0.3), {"negative_slope": 0.3}, "leaky_relu"),
    (activations.ELU(alpha=0.5), {"alpha": 0.5}, "elu"),
    (activations.GELU(approximate=True), {"approximate": True}, "gelu"),
]  # fmt: skip


def assert_twins(plain_value, fast_value, where=None):
    """Equal to RTOL/ATOL on the entries where the plain value is finite (or ``where``)."""
    where = np.isfinite(plain_value) if where is None else where
    assert where.any()
    np.testing.assert_allclose(plain_value[where], fast_value[where], rtol=RTOL, atol=ATOL)


def inputs(rng):
    return np.concatenate([rng.normal(scale=3.0, size=60), EDGES]).reshape(7, 10)


def plain_eval(fn, z, **kwargs):
    with np.errstate(over="ignore", invalid="ignore"):
        return fn(z, **kwargs)


def test_every_engine_activation_has_a_plain_twin():
    assert set(ELEMENTWISE) | set(ROWWISE) == set(activations.names())


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_forward_and_backward(rng, name):
    fast, forward, grad = ELEMENTWISE[name]
    z, dout = inputs(rng), rng.normal(size=(7, 10))
    with np.errstate(over="ignore"):
        y = fast.forward(z.copy())
        dz = fast.backward(dout, z, y)
    assert_twins(plain_eval(forward, z), y)
    assert_twins(dout * plain_eval(grad, z), dz)


@pytest.mark.parametrize("fast, kwargs, name", WITH_OPTIONS, ids=repr)
def test_elementwise_with_options(rng, fast, kwargs, name):
    forward, grad = getattr(plain, name), getattr(plain, name + "_grad")
    z, dout = inputs(rng), rng.normal(size=(7, 10))
    y = fast.forward(z.copy())
    assert_twins(plain_eval(forward, z, **kwargs), y)
    assert_twins(dout * plain_eval(grad, z, **kwargs), fast.backward(dout, z, y))


@pytest.mark.parametrize("name", sorted(ROWWISE))
@pytest.mark.parametrize("axis", [-1, 1])
def test_rowwise_forward_and_backward(rng, name, axis):
    engine, forward, backward = ROWWISE[name]
    fast = type(engine)(axis=axis)
    z = rng.normal(scale=4.0, size=(6, 5, 4))
    z[0, 0, 0], z[1, 2, 3] = 800.0, -800.0  # exp would overflow without the max shift
    dout = rng.normal(size=z.shape)
    y = fast.forward(z.copy())
    assert np.isfinite(y).all()
    assert_twins(forward(z, axis=axis), y)
    assert_twins(backward(dout, forward(z, axis=axis), axis=axis), fast.backward(dout, z, y))


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "silu", "mish", "elu", "selu"])
def test_engine_is_finite_where_the_plain_form_overflows(name):
    fast, forward, _ = ELEMENTWISE[name]
    z = np.array([-1000.0, -800.0, 800.0, 1000.0])
    with np.errstate(over="ignore"):
        y = fast.forward(z.copy())
    assert np.isfinite(y).all()
    expected = {"sigmoid": [0, 0, 1, 1], "softplus": [0, 0, 800, 1000], "silu": [0, 0, 800, 1000],
                "mish": [0, 0, 800, 1000]}.get(name)  # fmt: skip
    if expected is not None:
        np.testing.assert_allclose(y, expected, rtol=1e-15, atol=1e-300)
    plain_y = plain_eval(forward, z)
    assert_twins(plain_y, y)


def test_plain_sigmoid_overflows_loudly_the_engine_quietly():
    z = np.array([-1000.0])
    with pytest.warns(RuntimeWarning, match="overflow"):
        plain.sigmoid(z)
    with np.errstate(over="raise"):
        assert activations.Sigmoid().forward(z.copy())[0] == 0.0


def test_the_comparison_catches_a_small_error_and_another_convention(rng):
    z = inputs(rng)
    y = activations.Sigmoid().forward(z.copy())
    with pytest.raises(AssertionError):  # a 1e-10 relative slip is caught
        assert_twins(plain_eval(plain.sigmoid, z) * (1 + 1e-10), y)
    keras3_hard_sigmoid = np.clip(z + 3, 0, 6) / 6
    with pytest.raises(AssertionError):  # the engine is tf.keras 2.x's hard sigmoid
        assert_twins(keras3_hard_sigmoid, activations.HardSigmoid().forward(z))
    relu_grad_one_at_zero = np.where(z >= 0, 1.0, 0.0)
    with pytest.raises(AssertionError):  # the derivative at the kink is 0
        assert_twins(relu_grad_one_at_zero, activations.ReLU().backward(np.ones_like(z), z, None))


@pytest.mark.parametrize("name", sorted(set(ELEMENTWISE) - {"swish"}))
def test_plain_derivatives_pass_the_numerical_gradient_check(rng, name):
    _, forward, grad = ELEMENTWISE[name]
    z = rng.normal(scale=2.0, size=(4, 5))
    z = z[np.abs(np.abs(z) - 2.5) > 0.01]  # away from hard sigmoid's kinks (and ReLU's 0)
    gradcheck.check_function(name, forward, lambda dout: dout * grad(z), z, rng).assert_ok()


@pytest.mark.parametrize("name", sorted(ROWWISE))
def test_plain_rowwise_backwards_pass_the_numerical_gradient_check(rng, name):
    _, forward, backward = ROWWISE[name]
    z = rng.normal(size=(4, 5))
    result = gradcheck.check_function(name, forward, lambda d: backward(d, forward(z)), z, rng)
    result.assert_ok()
