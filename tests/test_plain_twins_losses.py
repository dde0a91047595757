"""The plain losses (``scratchdl.losses.plain``) equal the engine's loss objects at float64.

Value (``forward``), gradient (``backward``) and fused gradient (``fused_backward``)
of each loss, on random batches that include clipped probabilities (below 1e-7 and
above 1 - 1e-7) and extreme logits (+-800).
"""

import numpy as np
import pytest

from scratchdl import activations, gradcheck, losses
from scratchdl.activations.plain import sigmoid, softmax
from scratchdl.losses import plain

RTOL, ATOL = 1e-12, 1e-15
N, C = 8, 5


def assert_twins(plain_value, fast_value):
    assert np.all(np.isfinite(plain_value))
    np.testing.assert_allclose(plain_value, fast_value, rtol=RTOL, atol=ATOL)


def logits(rng):
    """Logits whose softmax has clipped entries: rows 0-1 are nearly one-hot."""
    z = rng.normal(scale=2.0, size=(N, C))
    z[0] *= 40.0
    z[1, 2] = 800.0
    return z


def one_hot_targets(rng):
    return np.eye(C)[rng.integers(0, C, N)]


def soft_targets(rng):
    t = rng.random((N, C))
    return t / t.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("targets", [one_hot_targets, soft_targets])
def test_categorical_crossentropy_value_gradient_and_fused_gradient(rng, targets):
    z, t = logits(rng), targets(rng)
    p = activations.Softmax().forward(z.copy())
    assert (p < plain.EPSILON).any() and (p > 1 - plain.EPSILON).any()  # clipping is exercised
    loss = losses.CategoricalCrossentropy()
    assert_twins(plain.categorical_crossentropy(p, t), loss.forward(p, t))
    assert_twins(plain.categorical_crossentropy_grad(p, t), loss.backward())
    assert_twins(plain.softmax_crossentropy_grad(softmax(z), t), loss.fused_backward())


def test_categorical_crossentropy_of_unnormalised_predictions(rng):
    # Keras rescales each row to sum 1 first; the gradient goes through that rescaling
    y, t = rng.random((N, C)) * 3, soft_targets(rng)
    loss = losses.CategoricalCrossentropy()
    assert_twins(plain.categorical_crossentropy(y, t), loss.forward(y, t))
    assert_twins(plain.categorical_crossentropy_grad(y, t), loss.backward())


def test_categorical_crossentropy_from_logits(rng):
    z, t = logits(rng), soft_targets(rng)
    loss = losses.CategoricalCrossentropy(from_logits=True)
    assert_twins(plain.categorical_crossentropy_from_logits(z, t), loss.forward(z, t))
    assert_twins(plain.categorical_crossentropy_from_logits_grad(z, t), loss.backward())


@pytest.mark.parametrize("trusted", [False, True], ids=["forward", "forward_trusted"])
def test_sparse_categorical_crossentropy(rng, trusted):
    z, k = logits(rng), rng.integers(0, C, N)
    k[0] = np.argmin(z[0])  # a label whose probability is clipped up to EPSILON
    p = activations.Softmax().forward(z.copy())
    loss = losses.SparseCategoricalCrossentropy()
    value = loss.forward_trusted(p, k) if trusted else loss.forward(p, k)
    t = plain.one_hot(k, C)
    assert_twins(plain.sparse_categorical_crossentropy(p, k), value)
    assert_twins(plain.categorical_crossentropy_grad(p, t), loss.backward())
    assert_twins(plain.softmax_crossentropy_grad(softmax(z), t), loss.fused_backward())


def test_binary_crossentropy(rng):
    z = rng.normal(scale=3.0, size=(N, 3))
    z[0] = [40.0, -40.0, 800.0]  # clipped probabilities
    t = rng.random((N, 3))
    p = activations.Sigmoid().forward(z.copy())
    loss = losses.BinaryCrossentropy()
    assert_twins(plain.binary_crossentropy(p, t), loss.forward(p, t))
    assert_twins(plain.binary_crossentropy_grad(p, t), loss.backward())
    with np.errstate(over="ignore"):
        p_plain = sigmoid(z)
    assert_twins(plain.sigmoid_binary_crossentropy_grad(p_plain, t), loss.fused_backward())


def test_binary_crossentropy_from_logits(rng):
    z, t = rng.normal(scale=3.0, size=(N, 3)), rng.random((N, 3))  # plain log finite here
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert_twins(plain.binary_crossentropy_from_logits(z, t), loss.forward(z, t))
    assert_twins(plain.sigmoid_binary_crossentropy_grad(sigmoid(z), t), loss.backward())


@pytest.mark.parametrize("D", [1, 4])
def test_mean_squared_error(rng, D):
    y, t = rng.normal(size=(N, D)), rng.normal(size=(N, D))
    loss = losses.MeanSquaredError()
    assert_twins(plain.mean_squared_error(y, t), loss.forward(y, t))
    assert_twins(plain.mean_squared_error_grad(y, t), loss.backward())


def test_the_comparison_catches_other_conventions(rng):
    y, t = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    loss = losses.MeanSquaredError()
    value = loss.forward(y, t)
    book_mse = 0.5 * np.sum((y - t) ** 2)  # the book's mean_squared_error
    with pytest.raises(AssertionError):
        assert_twins(book_mse, value)
    z, t1 = logits(rng), one_hot_targets(rng)
    p = softmax(z)
    cce = losses.CategoricalCrossentropy()
    cce.forward(p, t1)
    book_cross_entropy = -np.sum(t1 * np.log(p + 1e-7)) / N  # the book adds delta, no clip
    with pytest.raises(AssertionError):
        assert_twins(book_cross_entropy, cce.forward(p, t1))
    with pytest.raises(AssertionError):  # the fused gradient is not the chained one
        assert_twins(plain.softmax_crossentropy_grad(p, t1), cce.backward())


def fused_softmax_ce(z, t):
    return plain.categorical_crossentropy(softmax(z), t)


def fused_softmax_ce_grad(z, t):
    return plain.softmax_crossentropy_grad(softmax(z), t)


def fused_sigmoid_bce(z, t):
    return plain.binary_crossentropy(sigmoid(z), t)


def fused_sigmoid_bce_grad(z, t):
    return plain.sigmoid_binary_crossentropy_grad(sigmoid(z), t)


def bce_from_logits_grad(z, t):
    return plain.sigmoid_binary_crossentropy_grad(sigmoid(z), t)


# name: (loss(x, target), dloss/dx, x from rng, target from rng)
GRADCHECK_CASES = {
    "categorical": (plain.categorical_crossentropy, plain.categorical_crossentropy_grad,
                    lambda r: softmax(r.normal(size=(N, C))), soft_targets),
    "unnormalised": (plain.categorical_crossentropy, plain.categorical_crossentropy_grad,
                     lambda r: r.random((N, C)) + 0.1, soft_targets),
    "softmax fused": (fused_softmax_ce, fused_softmax_ce_grad,
                      lambda r: r.normal(size=(N, C)), one_hot_targets),
    "from_logits": (plain.categorical_crossentropy_from_logits,
                    plain.categorical_crossentropy_from_logits_grad,
                    lambda r: r.normal(size=(N, C)), soft_targets),
    "binary": (plain.binary_crossentropy, plain.binary_crossentropy_grad,
               lambda r: sigmoid(r.normal(size=(N, 3))), lambda r: r.random((N, 3))),
    "sigmoid fused": (fused_sigmoid_bce, fused_sigmoid_bce_grad,
                      lambda r: r.normal(size=(N, 3)), lambda r: r.random((N, 3))),
    "binary from_logits": (plain.binary_crossentropy_from_logits, bce_from_logits_grad,
                           lambda r: r.normal(size=(N, 3)), lambda r: r.random((N, 3))),
    "mse": (plain.mean_squared_error, plain.mean_squared_error_grad,
            lambda r: r.normal(size=(N, 3)), lambda r: r.normal(size=(N, 3))),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GRADCHECK_CASES))
def test_plain_loss_gradients_pass_the_numerical_gradient_check(rng, name):
    loss, grad, make_x, make_target = GRADCHECK_CASES[name]
    x, target = make_x(rng), make_target(rng)
    result = gradcheck.check_function(
        name, lambda x: loss(x, target), lambda G: G * grad(x, target), x, rng, h=1e-6
    )
    result.assert_ok()
