"""Built-in layers, models and losses on the tape; apply_gradients (docs/autodiff.md).

A layer call inside ``GradientTape`` is one recorded op whose backward is the layer's
own hand-written backward; these tests pin its gradients to the numerical ones and a
custom training loop to ``fit`` step for step.
"""

import numpy as np
import pytest

import scratchdl.tensorflow as tf
from scratchdl.gradcheck import numerical_gradient
from scratchdl.layers import BatchNormalization, Dense, Dropout
from scratchdl.losses import SparseCategoricalCrossentropy
from scratchdl.models.sequential import Sequential
from scratchdl.optimizers import SGD, Adam


def _data(rng, n=24, d=5, k=3):
    x = rng.standard_normal((n, d))
    return x, x[:, :k].argmax(axis=1)


def _model(seed=0, dtype="float64"):
    return Sequential(
        [Dense(6, activation="tanh", input_shape=(5,)), BatchNormalization(), Dense(3)],
        seed=seed,
        dtype=dtype,
    )


LOSS = SparseCategoricalCrossentropy(from_logits=True)


def test_a_layer_call_is_one_op_with_the_layers_own_gradients(rng):
    dense = Dense(4, activation="sigmoid", dtype=None)
    x = tf.Variable(rng.standard_normal((3, 5)), name="x")  # float64 input
    dense(x.numpy())  # build (float64)
    upstream = rng.standard_normal((3, 4))
    with tf.GradientTape() as tape:
        y = dense(x)
        target = tf.reduce_sum(y * upstream)
    dx, dk, db = tape.gradient(target, [x, dense.kernel, dense.bias])

    def f():
        return float(np.sum(dense.forward(x.value) * upstream))

    np.testing.assert_allclose(dx.numpy(), numerical_gradient(f, x.value), rtol=1e-6)
    np.testing.assert_allclose(dk.numpy(), numerical_gradient(f, dense.kernel.value), rtol=1e-6)
    np.testing.assert_allclose(db.numpy(), numerical_gradient(f, dense.bias.value), rtol=1e-6)


def test_a_shared_layer_called_twice_adds_both_gradients(rng):
    dense = Dense(5, activation="tanh")
    x = rng.standard_normal((4, 5))
    dense(x)
    upstream = rng.standard_normal((4, 5))
    with tf.GradientTape() as tape:
        y = dense(dense(x))
        target = tf.reduce_sum(y * upstream)
    dk = tape.gradient(target, dense.kernel)

    def f():
        return float(np.sum(dense.forward(dense.forward(x)) * upstream))

    np.testing.assert_allclose(dk.numpy(), numerical_gradient(f, dense.kernel.value), rtol=1e-6)


def test_model_gradients_on_the_tape_equal_the_fit_step(rng):
    x, y = _data(rng)
    model = _model()
    model.compile(SGD(0.0), LOSS)
    with tf.GradientTape() as tape:
        loss = LOSS(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    model.train_on_batch(x, y)  # lr 0: same weights, grads of the same batch
    for g, var in zip(grads, model.trainable_weights):
        np.testing.assert_allclose(g.numpy(), var.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make_opt", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_a_custom_loop_with_apply_gradients_equals_fit(rng, make_opt):
    x, y = _data(rng, n=40)
    loop, ref = _model(seed=3), _model(seed=3)
    ref.compile(make_opt(), LOSS)
    ref.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    opt = make_opt()
    for _ in range(2):
        for start in range(0, 40, 10):
            xb, yb = x[start : start + 10], y[start : start + 10]
            with tf.GradientTape() as tape:
                loss = LOSS(yb, loop(xb, training=True))
            grads = tape.gradient(loss, loop.trainable_variables)
            opt.apply_gradients(zip(grads, loop.trainable_variables))
    assert opt.iterations == 8
    for a, b in zip(loop.get_weights(), ref.get_weights()):  # moving stats too
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


def test_apply_gradients_on_free_variables_and_a_missing_gradient(rng):
    w = tf.Variable(np.zeros(3), name="w")
    unused = tf.Variable(np.ones(2), name="unused")
    x = rng.standard_normal((50, 3))
    y = x @ np.array([1.0, -2.0, 0.5])
    opt = SGD(0.1)
    for _ in range(200):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=1) - y))
        grads = tape.gradient(loss, [w, unused])
        with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
            opt.apply_gradients(zip(grads, [w, unused]))
    np.testing.assert_allclose(w.numpy(), [1.0, -2.0, 0.5], atol=1e-3)
    np.testing.assert_array_equal(unused.numpy(), 1.0)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, unused)])


def test_dropout_in_training_on_the_tape_uses_one_mask_for_forward_and_backward(rng):
    drop = Dropout(0.5, seed=1)
    x = tf.Variable(rng.standard_normal((6, 8)), name="x")
    with tf.GradientTape() as tape:
        y = drop(x, training=True)
        target = tf.reduce_sum(y)
    dx = tape.gradient(target, x).numpy()
    kept = y.numpy() != 0
    np.testing.assert_allclose(dx, np.where(kept, 2.0, 0.0))
