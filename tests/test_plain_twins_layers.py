"""The plain Dense and batch-norm math (``scratchdl.layers.plain``) equals the layers.

Each layer runs through its public API at float64 (``build``, ``forward``,
``backward``, the gradients it writes into ``grads``, the moving statistics in
``state``); the plain functions get the same arrays and must give the same numbers
to 1e-12 relative.  The plain backward functions are also checked numerically.
"""

import numpy as np
import pytest

from scratchdl import gradcheck
from scratchdl.activations import plain as act
from scratchdl.layers import BatchNormalization, Dense, plain

RTOL, ATOL = 1e-12, 1e-14


def assert_twins(plain_value, fast_value):
    np.testing.assert_allclose(plain_value, fast_value, rtol=RTOL, atol=ATOL)


# -- Dense ---------------------------------------------------------------------------


def plain_dense(x, W, b, dout, activation):
    """Forward and backward of Dense from the plain functions: (y, dx, dW, db)."""
    d_in, units = W.shape
    x2, dout2 = x.reshape(-1, d_in), dout.reshape(-1, units)
    z = plain.dense_forward(x2, W, b)
    if activation == "softmax":
        y = act.softmax(z)
        dz = act.softmax_backward(dout2, y)
    else:
        y = getattr(act, activation)(z)
        dz = dout2 * getattr(act, activation + "_grad")(z)
    dx, dW, db = plain.dense_backward(dz, x2, W)
    return y.reshape(dout.shape), dx.reshape(x.shape), dW, db


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
@pytest.mark.parametrize("lead", [(7,), (4, 3)], ids=["2d", "3d"])
def test_dense_equals_plain(rng, activation, lead):
    layer = Dense(6, activation=activation, bias_initializer="random_normal")
    layer.build((5,), rng, np.float64)
    x = rng.normal(size=(*lead, 5))
    y = layer.forward(x, training=True)
    dout = rng.normal(size=y.shape)
    dx = layer.backward(dout)
    W, b = layer.params["kernel"], layer.params["bias"]
    y_p, dx_p, dW_p, db_p = plain_dense(x, W, b, dout, activation)
    assert_twins(y_p, y)
    assert_twins(dx_p, dx)
    assert_twins(dW_p, layer.grads["kernel"])
    assert_twins(db_p, layer.grads["bias"])


def test_dense_large_kernel_and_no_bias_equal_plain(rng):
    # 200 x 100 > 16384 entries: the layer takes its other dx product (dz @ W.T)
    layer = Dense(100, use_bias=False)
    layer.build((200,), rng, np.float64)
    x = rng.normal(size=(9, 200))
    y = layer.forward(x, training=True)
    dout = rng.normal(size=y.shape)
    dx = layer.backward(dout)
    W = layer.params["kernel"]
    assert_twins(plain.dense_forward(x, W), y)
    dx_p, dW_p, _ = plain.dense_backward(dout, x, W)
    assert_twins(dx_p, dx)
    assert_twins(dW_p, layer.grads["kernel"])


# -- BatchNormalization ------------------------------------------------------------


def built_bn(rng, shape, **kwargs):
    init = {"gamma_initializer": "random_normal", "beta_initializer": "random_normal"}
    layer = BatchNormalization(**init, **kwargs)
    layer.build(shape[1:], rng, np.float64)
    C = layer.state["moving_mean"].shape[0]
    layer.state["moving_mean"] = rng.normal(size=C)
    layer.state["moving_variance"] = rng.random(C) + 0.5
    return layer


def as_rows(a, axis):
    """(N, ..., C on ``axis``, ...) -> (M, C): the rows the plain functions expect."""
    a = np.moveaxis(a, axis, -1)
    return a.reshape(-1, a.shape[-1])


def from_rows(rows, shape, axis):
    moved = np.moveaxis(np.empty(shape), axis, -1).shape
    return np.moveaxis(rows.reshape(moved), -1, axis)


def gamma_beta(layer, C):
    gamma = layer.params["gamma"] if layer.scale else np.ones(C)
    beta = layer.params["beta"] if layer.center else np.zeros(C)
    return gamma, beta


CASES = [
    ((16, 4), {}),
    ((5, 3, 4), {}),
    ((6, 4, 3), {"axis": 1}),
    ((16, 4), {"momentum": 0.9, "epsilon": 1e-6}),
    ((16, 4), {"center": False}),
    ((16, 4), {"scale": False}),
]


@pytest.mark.parametrize("shape, kwargs", CASES, ids=str)
def test_batchnorm_training_equals_plain(rng, shape, kwargs):
    layer = built_bn(rng, shape, **kwargs)
    axis, eps, m = kwargs.get("axis", -1), layer.epsilon, layer.momentum
    mm0, mv0 = layer.state["moving_mean"].copy(), layer.state["moving_variance"].copy()
    x = rng.normal(loc=2.0, scale=3.0, size=shape)
    y = layer.forward(x, training=True)
    dout = rng.normal(size=shape)
    dx = layer.backward(dout)
    gamma, beta = gamma_beta(layer, mm0.size)
    xr, doutr = as_rows(x, axis), as_rows(dout, axis)
    y_p, mu, var = plain.batchnorm_forward_train(xr, gamma, beta, eps)
    dx_p, dgamma, dbeta = plain.batchnorm_backward(doutr, xr, gamma, mu, var, eps)
    assert_twins(from_rows(y_p, shape, axis), y)
    assert_twins(from_rows(dx_p, shape, axis), dx)
    if layer.scale:
        assert_twins(dgamma, layer.grads["gamma"])
    if layer.center:
        assert_twins(dbeta, layer.grads["beta"])
    assert_twins(plain.moving_average(mm0, mu, m), layer.state["moving_mean"])
    assert_twins(plain.moving_average(mv0, var, m), layer.state["moving_variance"])


@pytest.mark.parametrize("shape, kwargs", CASES, ids=str)
def test_batchnorm_inference_equals_plain(rng, shape, kwargs):
    layer = built_bn(rng, shape, **kwargs)
    axis, eps = kwargs.get("axis", -1), layer.epsilon
    mm, mv = layer.state["moving_mean"].copy(), layer.state["moving_variance"].copy()
    x = rng.normal(loc=2.0, scale=3.0, size=shape)
    y = layer.forward(x, training=False)
    dout = rng.normal(size=shape)
    dx = layer.backward(dout)
    gamma, beta = gamma_beta(layer, mm.size)
    xr, doutr = as_rows(x, axis), as_rows(dout, axis)
    y_p = plain.batchnorm_forward_infer(xr, gamma, beta, mm, mv, eps)
    dx_p, dgamma, dbeta = plain.batchnorm_backward_infer(doutr, xr, gamma, mm, mv, eps)
    assert_twins(from_rows(y_p, shape, axis), y)
    assert_twins(from_rows(dx_p, shape, axis), dx)
    if layer.scale:
        assert_twins(dgamma, layer.grads["gamma"])
    if layer.center:
        assert_twins(dbeta, layer.grads["beta"])
    np.testing.assert_array_equal(layer.state["moving_mean"], mm)  # inference leaves them


# -- the plain functions on their own ------------------------------------------------


def test_plain_functions_do_not_modify_their_inputs(rng):
    x, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    dout = rng.normal(size=(6, 4))
    before = [a.copy() for a in (x, W, b, gamma, beta, dout)]
    plain.dense_forward(x, W, b)
    plain.dense_backward(dout[:, :3], x, W)
    _, mu, var = plain.batchnorm_forward_train(x, gamma, beta, 1e-3)
    plain.batchnorm_backward(dout, x, gamma, mu, var, 1e-3)
    for a, b0 in zip((x, W, b, gamma, beta, dout), before):
        np.testing.assert_array_equal(a, b0)


def test_plain_backwards_pass_the_numerical_gradient_check(rng):
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    gamma, beta, eps = rng.normal(size=4), rng.normal(size=4), 1e-3
    x = rng.normal(size=(6, 4))

    def bn_forward(x):
        return plain.batchnorm_forward_train(x, gamma, beta, eps)[0]

    def bn_backward(dout):
        _, mu, var = plain.batchnorm_forward_train(x, gamma, beta, eps)
        return plain.batchnorm_backward(dout, x, gamma, mu, var, eps)[0]

    dense = gradcheck.check_function(
        "dense", lambda x: plain.dense_forward(x, W, b),
        lambda dout: plain.dense_backward(dout, x, W)[0], x, rng,
    )  # fmt: skip
    bn = gradcheck.check_function("batchnorm", bn_forward, bn_backward, x, rng)
    dense.assert_ok()
    bn.assert_ok()


def test_the_comparison_catches_the_unbiased_variance(rng):
    layer = built_bn(rng, (8, 3))
    x = rng.normal(size=(8, 3))
    y = layer.forward(x, training=True)
    gamma, beta = layer.params["gamma"], layer.params["beta"]
    var_unbiased = np.var(x, axis=0, ddof=1)  # PyTorch's running variance uses this one
    x_hat = (x - x.mean(axis=0)) / np.sqrt(var_unbiased + layer.epsilon)
    with pytest.raises(AssertionError):
        assert_twins(gamma * x_hat + beta, y)
