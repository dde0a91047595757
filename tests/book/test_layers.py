"""scratchdl.book.layers: the book's layer interface on the engine, gradient-checked."""

import numpy as np
import pytest

from scratchdl import gradcheck
from scratchdl.book.gradient import numerical_gradient as book_numerical_gradient
from scratchdl.book.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Dropout,
    MulLayer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)
from scratchdl.layers.dense import Dense
from scratchdl.layers.dropout import Dropout as EngineDropout
from scratchdl.layers.normalization import BatchNormalization as EngineBatchNorm


def check_book_layer(forward, backward, x, params, rng, tol=1e-6):
    """dL/dx and dL/dparam for L = sum(forward(x) * G), G random, vs central differences."""
    G = rng.standard_normal(np.shape(forward()))
    forward()
    dx = backward(G.copy())
    analytic = {"x": dx, **{k: g.copy() for k, (_, g) in params.items()}}
    arrays = {"x": x, **{k: p for k, (p, _) in params.items()}}
    result = gradcheck.GradCheckResult("book layer", tolerance=tol)
    for key, arr in arrays.items():
        result.add(
            key, analytic[key], gradcheck.numerical_gradient(lambda: np.sum(forward() * G), arr)
        )
    result.assert_ok()


def test_relu_and_sigmoid_delegate_to_the_engine_and_check(rng):
    x = rng.standard_normal((4, 5))
    relu = Relu()
    out = relu.forward(x)
    assert np.array_equal(out, np.maximum(x, 0)) and np.array_equal(relu.mask, x <= 0)
    dout = rng.standard_normal(x.shape)
    assert np.array_equal(relu.backward(dout), np.where(x > 0, dout, 0))
    check_book_layer(lambda: relu.forward(x), relu.backward, x, {}, rng)
    sig = Sigmoid()
    check_book_layer(lambda: sig.forward(x), sig.backward, x, {}, rng)
    np.testing.assert_allclose(sig.backward(dout), dout * (1 - sig.out) * sig.out)


def test_affine_holds_references_reshapes_4d_and_checks(rng):
    W, b = rng.standard_normal((12, 3)), rng.standard_normal(3)
    affine = Affine(W, b)
    assert isinstance(affine.layer, Dense) and affine.W is W and affine.b is b
    x = rng.standard_normal((2, 3, 2, 2))  # 4-D input -> (N, 12)
    out = affine.forward(x)
    np.testing.assert_allclose(out, x.reshape(2, -1) @ W + b)
    W -= 1.0  # an in-place update (as the book's optimizers do) is seen by the layer
    np.testing.assert_allclose(affine.forward(x), x.reshape(2, -1) @ W + b)
    dx = affine.backward(np.ones((2, 3)))
    assert dx.shape == x.shape
    params = {"W": (W, affine.dW), "b": (b, affine.db)}
    check_book_layer(lambda: affine.forward(x), affine.backward, x, params, rng)
    with pytest.raises(ValueError, match="b.shape"):
        Affine(W, np.zeros(4))


def test_affine_dw_against_the_books_numerical_gradient(rng):
    W, b = 0.3 * rng.standard_normal((4, 3)), np.zeros(3)  # moderate y: the 1e-7 delta is small
    x, t = rng.standard_normal((5, 4)), np.array([0, 2, 1, 1, 0])
    affine, loss = Affine(W, b), SoftmaxWithLoss()
    loss.forward(affine.forward(x), t)
    affine.backward(loss.backward())
    numeric = book_numerical_gradient(lambda _: loss.forward(affine.forward(x), t), W)
    np.testing.assert_allclose(affine.dW, numeric, rtol=1e-5, atol=1e-8)  # 1e-7 inside the log


def test_softmax_with_loss_backward_is_y_minus_t_over_b_and_ignores_dout(rng):
    x = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 2])
    one_hot = np.eye(3)[labels]
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, one_hot)
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(y[np.arange(4), labels] + 1e-7)))
    np.testing.assert_allclose(layer.backward(), (y - one_hot) / 4)
    np.testing.assert_allclose(layer.backward(dout=123.0), (y - one_hot) / 4)  # dout ignored
    layer.forward(x, labels)
    np.testing.assert_allclose(layer.backward(), (y - one_hot) / 4)
    numeric = book_numerical_gradient(lambda _: layer.forward(x, labels), x)
    layer.forward(x, labels)
    np.testing.assert_allclose(layer.backward(), numeric, rtol=1e-5, atol=1e-8)  # the 1e-7 delta


def test_dropout_is_the_books_non_inverted_dropout(rng):
    x = rng.standard_normal((200, 50))
    drop = Dropout(0.2, rng=0)
    assert isinstance(drop.layer, EngineDropout) and drop.layer.inverted is False
    out = drop.forward(x, train_flg=True)
    mask = drop.mask
    assert mask.dtype == bool and 0.75 < mask.mean() < 0.85
    assert np.array_equal(out, x * mask)  # kept units are not rescaled
    dout = rng.standard_normal(x.shape)
    assert np.array_equal(drop.backward(dout), dout * mask)
    np.testing.assert_allclose(drop.forward(x, train_flg=False), x * 0.8)
    again = Dropout(0.2, rng=0)
    again.forward(x)
    assert np.array_equal(again.mask, mask)  # same seed, same mask
    np.random.seed(3)
    a = Dropout(0.5)
    np.random.seed(3)
    b = Dropout(0.5)
    a.forward(x), b.forward(x)
    assert np.array_equal(a.mask, b.mask)  # np.random.seed makes the default repeatable


def test_batchnorm_running_stats_start_at_zero_and_update_with_0_9(rng):
    gamma, beta = np.ones(4), np.zeros(4)
    bn = BatchNormalization(gamma, beta)
    assert isinstance(bn.layer, EngineBatchNorm) and bn.momentum == 0.9
    assert bn.layer.epsilon == 1e-6
    assert np.array_equal(bn.running_mean, np.zeros(4)) and np.array_equal(
        bn.running_var, np.zeros(4)
    )
    x = rng.standard_normal((6, 4)) * 3 + 2
    out = bn.forward(x, train_flg=True)
    mu, var = x.mean(axis=0), x.var(axis=0)  # biased variance
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-6))
    np.testing.assert_allclose(bn.running_mean, 0.1 * mu)
    np.testing.assert_allclose(bn.running_var, 0.1 * var)
    x2 = rng.standard_normal((6, 4))
    bn.forward(x2, train_flg=True)
    np.testing.assert_allclose(bn.running_mean, 0.9 * 0.1 * mu + 0.1 * x2.mean(axis=0))
    test_out = bn.forward(x, train_flg=False)
    np.testing.assert_allclose(test_out, (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-6))
    given = BatchNormalization(gamma, beta, running_mean=np.full(4, 2.0), running_var=np.ones(4))
    np.testing.assert_allclose(given.forward(x, False), (x - 2.0) / np.sqrt(1 + 1e-6))


@pytest.mark.parametrize("train_flg", [True, False])
def test_batchnorm_gradient_checked_every_mode(train_flg, rng):
    gamma, beta = rng.standard_normal(5) + 1.5, rng.standard_normal(5)
    bn = BatchNormalization(
        gamma, beta, running_mean=rng.standard_normal(5), running_var=np.ones(5)
    )
    x = rng.standard_normal((7, 5))
    saved = (bn.running_mean.copy(), bn.running_var.copy())

    def forward():
        bn.running_mean[...], bn.running_var[...] = saved  # no drift between evaluations
        return bn.forward(x, train_flg)

    params = {"gamma": (gamma, bn.dgamma), "beta": (beta, bn.dbeta)}
    check_book_layer(forward, bn.backward, x, params, rng)


def test_batchnorm_4d_input_uses_per_activation_statistics(rng):
    x = rng.standard_normal((5, 2, 3, 3))
    bn = BatchNormalization(np.ones(18), np.zeros(18))
    out = bn.forward(x, train_flg=True)
    flat = x.reshape(5, -1)
    expected = (flat - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-6)
    np.testing.assert_allclose(out, expected.reshape(x.shape))
    assert bn.backward(rng.standard_normal(x.shape)).shape == x.shape
    with pytest.raises(ValueError, match="gamma.shape"):
        BatchNormalization(np.ones(3), np.zeros(4))


def test_mul_and_add_layers_buy_apples():
    """The book's §5.4 example: 2 apples at 100, tax 1.1 -> 220; backward 2.2, 110, 200."""
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    assert price == pytest.approx(220)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert (dapple, dapple_num, dtax) == (pytest.approx(2.2), pytest.approx(110), 200)
    add = AddLayer()
    assert add.forward(3, 4) == 7 and add.backward(1.5) == (1.5, 1.5)
