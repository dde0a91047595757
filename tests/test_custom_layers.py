"""Keras-style layer subclasses (build/call/add_weight/add_loss) and Lambda train with fit.

Their backward comes from the tape (layers/custom.py); these tests gradient-check it
with a random upstream gradient and pin training runs to the built-in layers'.
"""

import numpy as np
import pytest

import scratchdl.keras as keras
import scratchdl.tensorflow as tf
from scratchdl.gradcheck import numerical_gradient
from scratchdl.layers import Dense, Lambda, Layer
from scratchdl.models.sequential import Sequential


class Linear(keras.layers.Layer):
    """The Keras guide's first layer: w and b from add_weight, y = x @ w + b."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class ActivityPenalty(keras.layers.Layer):
    """Adds rate * sum(x**2) to the loss, passes x through (the guide's add_loss example)."""

    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_sum(tf.square(inputs)))
        return inputs


def test_a_keras_layer_builds_from_the_batch_shape_and_its_gradient_checks(rng):
    layer = Linear(3)
    x = rng.standard_normal((5, 4))
    y = layer(x)
    assert y.shape == (5, 3) and layer.w.shape == (4, 3) and layer.output_shape == (3,)
    upstream = rng.standard_normal((5, 3))
    layer.forward(x, training=True)
    dx = layer.backward(upstream)

    def f():
        return float(np.sum(layer.forward(x) * upstream))

    np.testing.assert_allclose(dx, numerical_gradient(f, x), rtol=1e-6, atol=1e-9)
    layer.forward(x, training=True)
    layer.backward(upstream)
    grads = {k: layer.grads[k].copy() for k in layer.grads}
    for key, var in zip(layer.grads, layer.trainable_weights):
        np.testing.assert_allclose(grads[key], numerical_gradient(f, var.value), rtol=1e-6)


def test_a_keras_layer_trains_in_fit_like_dense(rng):
    x = rng.standard_normal((40, 4))
    y = x[:, :3].argmax(axis=1)
    w0 = rng.standard_normal((5, 3)) * 0.3
    runs = []
    for layer in (Linear(3), Dense(3)):
        model = Sequential(
            [keras.layers.Dense(5, activation="tanh", input_shape=(4,)), layer],
            seed=2,
            dtype="float64",
        )
        layer.set_weights([w0, np.zeros(3)])  # the same start for both
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(keras.optimizers.SGD(0.1), loss)
        h = model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0)
        runs.append((h.history["loss"], model.get_weights()))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-10)
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_add_loss_enters_the_loss_and_its_gradient(rng):
    x = rng.standard_normal((8, 3))
    y = rng.standard_normal((8, 2))
    model = Sequential(
        [Dense(4, input_shape=(3,)), ActivityPenalty(0.5), Dense(2)], seed=0, dtype="float64"
    )
    model.compile(keras.optimizers.SGD(0.0), "mse")
    logs = model.train_on_batch(x, y, return_dict=True)
    hidden = model.layers[0].forward(x)
    out = model.layers[2].forward(hidden)
    expected = np.mean((out - y) ** 2) + 0.5 * np.sum(hidden**2)
    assert logs["loss"] == pytest.approx(expected, rel=1e-10)
    kernel = model.layers[0].kernel

    def f():
        h = model.layers[0].forward(x)
        return float(np.mean((model.layers[2].forward(h) - y) ** 2) + 0.5 * np.sum(h**2))

    np.testing.assert_allclose(kernel.grad, numerical_gradient(f, kernel.value), rtol=1e-6)


def test_lambda_layer_in_a_model_and_its_gradient(rng):
    x = rng.standard_normal((6, 3))
    model = Sequential([Dense(4, input_shape=(3,)), Lambda(lambda t: tf.square(t) * 0.5), Dense(1)],
                       seed=0, dtype="float64")  # fmt: skip
    model.compile(keras.optimizers.SGD(0.0), "mse")
    y = rng.standard_normal((6, 1))
    model.train_on_batch(x, y)
    kernel = model.layers[0].kernel

    def f():
        h = 0.5 * model.layers[0].forward(x) ** 2
        return float(np.mean((model.layers[2].forward(h) - y) ** 2))

    np.testing.assert_allclose(kernel.grad, numerical_gradient(f, kernel.value), rtol=1e-6)
    with pytest.raises(ValueError, match="wraps a Python function"):
        model.get_config()


def test_a_layer_without_call_names_its_class():
    class Nothing(Layer):
        pass

    with pytest.raises(NotImplementedError, match="Nothing defines neither call"):
        Nothing()(np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="Nothing does not define call"):
        Nothing().call(np.ones((2, 3)))


def test_add_loss_counts_in_evaluate_too_as_tf_keras():
    """docs/keras-reference.md A14: mse 0 plus add_loss(sum(x)) on a 4x2 batch of ones -> 8.0."""

    class SumLoss(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(tf.reduce_sum(inputs))
            return inputs

    model = Sequential([SumLoss(input_shape=(2,))], seed=0)
    model.compile("sgd", "mse")
    assert model.evaluate(np.ones((4, 2)), np.ones((4, 2)), verbose=0) == pytest.approx(8.0)


def test_model_add_loss_of_a_callable_trains_and_counts(rng):
    x, y = rng.standard_normal((10, 3)), rng.standard_normal((10, 1))
    model = Sequential([Dense(1, input_shape=(3,), dtype=None)], seed=0, dtype="float64")
    kernel = model.layers[0].kernel
    model.add_loss(lambda: 0.5 * tf.reduce_sum(tf.square(kernel)))
    model.compile(keras.optimizers.SGD(0.0), "mse")
    logs = model.train_on_batch(x, y, return_dict=True)
    out = model.layers[0].forward(x)
    expected = np.mean((out - y) ** 2) + 0.5 * np.sum(kernel.numpy() ** 2)
    assert logs["loss"] == pytest.approx(expected)

    def f():
        return float(np.mean((model.layers[0].forward(x) - y) ** 2) + 0.5 * np.sum(kernel.value**2))

    np.testing.assert_allclose(kernel.grad, numerical_gradient(f, kernel.value), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected)
    with pytest.raises(ValueError, match="zero-argument callable"):
        model.add_loss(3.0)
