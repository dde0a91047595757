"""Customizing what happens in fit: a train_step override, as the Keras guide writes it."""

import numpy as np
import pytest

import scratchdl.keras as keras
import scratchdl.tensorflow as tf


class GuideModel(keras.Model):
    """tf.keras 2.x's example: tape, compiled_loss, apply_gradients, compiled_metrics."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="tanh", kernel_regularizer="l2")
        self.out = keras.layers.Dense(1)
        self.steps_seen = 0

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        variables = self.trainable_variables
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        self.compiled_metrics.update_state(y, y_pred)
        self.steps_seen += 1
        return {m.name: m.result() for m in self.metrics}


def _data(rng):
    x = rng.standard_normal((64, 3)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], np.float32))


def test_a_train_step_override_trains_and_reports_its_metrics(rng):
    x, y = _data(rng)
    model = GuideModel()
    model.compile(keras.optimizers.Adam(0.02), "mse", metrics=["mae"])
    h = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    assert model.steps_seen == 32
    assert list(h.history) == ["loss", "mae"]
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]


def test_the_override_computes_what_the_built_in_step_computes(rng):
    """Same model, same batches: the guide's step equals the engine's (penalty included)."""
    x, y = _data(rng)
    runs = []
    for cls in (GuideModel, Plain):
        keras.utils.set_random_seed(3)
        model = cls()
        model.compile(keras.optimizers.SGD(0.05), "mse")
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        runs.append(model.get_weights())
    for a, b in zip(*runs):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


class Plain(GuideModel):
    train_step = keras.Model.train_step  # the engine's own step


def test_train_step_must_return_logs(rng):
    class Broken(GuideModel):
        def train_step(self, data):
            return 1.0

    model = Broken()
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="train_step must return a dict of logs"):
        model.fit(*_data(rng), epochs=1, verbose=0)


class ComputeLossModel(GuideModel):
    """tf.keras 2.15's own default step, written out: compute_loss, minimize, compute_metrics."""

    def train_step(self, data):
        x, y, sw = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sw)
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        self.loss_tracker.update_state(np.full(len(y), float(loss)))
        return self.compute_metrics(x, y, y_pred, sw)


def test_compute_loss_and_minimize_equal_the_built_in_step(rng):
    x, y = _data(rng)
    runs = []
    for cls in (ComputeLossModel, Plain):
        keras.utils.set_random_seed(4)
        model = cls()
        model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
        h = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        runs.append((model.get_weights(), h.history["mae"]))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-4)
    with pytest.raises(ValueError, match="Data is expected to be in format"):
        keras.utils.unpack_x_y_sample_weight((1, 2, 3, 4))
