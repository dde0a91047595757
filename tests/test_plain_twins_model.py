"""The plain twins put together are the engine's training step.

A float64 model Dense(relu) -> BatchNormalization -> Dense(softmax) with sparse
categorical cross-entropy and Adam takes three ``train_on_batch`` steps; the same
three steps written with the plain functions only (forward, the fused gradient
(p - t)/N, backward, moving averages, Adam per tensor) give the same losses and
weights to 1e-12 relative.
"""

import numpy as np

from scratchdl.activations import plain as act
from scratchdl.layers import BatchNormalization, Dense, InputLayer
from scratchdl.layers import plain as layers
from scratchdl.losses import plain as losses
from scratchdl.models.sequential import Sequential
from scratchdl.optimizers import Adam
from scratchdl.optimizers import plain as rules

LR, EPS, MOMENTUM = 0.01, 1e-3, 0.99  # Adam's lr; BatchNormalization's Keras defaults


def plain_step(weights, states, x, k):
    """One training step from the plain functions: (loss, new weights, new Adam states)."""
    W1, b1, gamma, beta, mm, mv, W3, b3 = weights
    z1 = layers.dense_forward(x, W1, b1)
    a1 = act.relu(z1)
    a2, mu, var = layers.batchnorm_forward_train(a1, gamma, beta, EPS)
    p = act.softmax(layers.dense_forward(a2, W3, b3))
    loss = losses.sparse_categorical_crossentropy(p, k)
    dz3 = losses.softmax_crossentropy_grad(p, losses.one_hot(k, p.shape[1]))
    da2, dW3, db3 = layers.dense_backward(dz3, a2, W3)
    da1, dgamma, dbeta = layers.batchnorm_backward(da2, a1, gamma, mu, var, EPS)
    _, dW1, db1 = layers.dense_backward(da1 * act.relu_grad(z1), x, W1)
    trainable = {0: dW1, 1: db1, 2: dgamma, 3: dbeta, 6: dW3, 7: db3}
    new = list(weights)
    for i, g in trainable.items():
        new[i], states[i] = rules.adam(weights[i], g, states[i], LR)
    new[4] = layers.moving_average(mm, mu, MOMENTUM)
    new[5] = layers.moving_average(mv, var, MOMENTUM)
    return loss, new, states


def test_three_training_steps_equal_the_plain_math():
    rng = np.random.default_rng(5)
    model = Sequential(
        [InputLayer(shape=(6,)), Dense(5, activation="relu"), BatchNormalization(),
         Dense(4, activation="softmax")],
        seed=3, dtype="float64",
    )  # fmt: skip
    model.compile(Adam(LR), "sparse_categorical_crossentropy")
    initial = [w.copy() for w in model.get_weights()]
    weights, states = initial, {i: {} for i in range(8)}
    for _ in range(3):
        x, k = rng.normal(size=(8, 6)), rng.integers(0, 4, 8)
        loss = model.train_on_batch(x, k)
        plain_loss, weights, states = plain_step(weights, states, x, k)
        np.testing.assert_allclose(plain_loss, loss, rtol=1e-12)
    for w_plain, w_engine in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_allclose(w_plain, w_engine, rtol=1e-12, atol=1e-14)
    for w, w0 in zip(model.get_weights(), initial):
        assert np.abs(w - w0).min() > 0  # every weight and moving statistic changed
