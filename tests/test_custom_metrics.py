"""A Keras-style Metric subclass (state from add_weight) in fit and in a hand-written loop."""

import numpy as np
import pytest

import scratchdl.keras as keras
import scratchdl.tensorflow as tf
from scratchdl.metrics import SparseCategoricalAccuracy


class CategoricalTruePositives(keras.metrics.Metric):
    """Counts samples whose arg-max prediction equals the integer label (the guide's example)."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.reshape(tf.argmax(y_pred, axis=1), shape=(-1, 1))
        values = tf.cast(tf.reshape(y_true, (-1, 1)), "int32") == tf.cast(y_pred, "int32")
        values = tf.cast(values, "float32")
        if sample_weight is not None:
            values = values * tf.cast(tf.reshape(sample_weight, (-1, 1)), "float32")
        self.true_positives.assign_add(tf.reduce_sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


def test_the_subclass_counts_by_hand_and_resets():
    m = CategoricalTruePositives()
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    m.update_state(np.array([0, 1, 1]), p)
    m.update_state(np.array([1]), np.array([[0.3, 0.7]]))
    assert float(m.result()) == 3.0 and m.result().numpy() == 3.0
    m.reset_states()  # tf.keras 2.x spelling
    assert float(m.result()) == 0.0
    assert [v.name for v in m.variables] == ["ctp"] and m.dtype == np.float32


def test_the_subclass_in_fit_reports_per_epoch_counts(rng):
    x = rng.standard_normal((60, 4)).astype(np.float32)
    y = x[:, :2].argmax(axis=1)
    model = keras.Sequential(
        [keras.layers.Dense(2, activation="softmax", input_shape=(4,))], seed=0
    )
    model.compile("adam", "sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives(), "accuracy"])  # fmt: skip
    h = model.fit(x, y, batch_size=20, epochs=2, verbose=0)
    counts, accuracy = h.history["categorical_true_positives"], h.history["accuracy"]
    assert len(counts) == 2
    np.testing.assert_allclose(np.array(counts) / 60, accuracy, rtol=1e-6)


def test_built_in_metrics_keep_their_state_and_take_dtype():
    m = SparseCategoricalAccuracy(dtype="float64")
    m.update_state([1, 0], [[0.1, 0.9], [0.2, 0.8]])
    assert m.result() == pytest.approx(0.5) and m.dtype == np.float64
