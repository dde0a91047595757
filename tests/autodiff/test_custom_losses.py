"""Losses written with tensor ops train with fit: a function, and a Loss subclass's call.

Their gradient comes from the tape (losses/base.py, ``tape_gradient``); these tests pin
a training run with each to the same run with the built-in loss (float64).
"""

import numpy as np
import pytest

import scratchdl.keras as keras
import scratchdl.tensorflow as tf
from scratchdl.layers import Dense
from scratchdl.models.sequential import Sequential


def _fit(loss, rng_seed=0, epochs=3):
    rng = np.random.default_rng(rng_seed)
    x = rng.standard_normal((64, 4))
    y = np.stack([x[:, 0] - 2 * x[:, 1], x[:, 2] * 0.5], axis=1)
    model = Sequential(
        [Dense(8, activation="tanh", input_shape=(4,)), Dense(2)], seed=1, dtype="float64"
    )
    model.compile(keras.optimizers.SGD(0.05), loss)
    history = model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights(), history.history["loss"]


def my_mse(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


class ScaledMSE(keras.losses.Loss):
    """A Keras-style subclass: per-sample losses from call, reduction by the base."""

    def __init__(self, factor=1.0, name="scaled_mse"):
        super().__init__(name=name)
        self.factor = factor

    def call(self, y_true, y_pred):
        return self.factor * tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


@pytest.mark.parametrize("loss", [my_mse, ScaledMSE(), ScaledMSE(factor=1.0)])
def test_a_loss_written_with_tensor_ops_trains_like_the_built_in(loss):
    weights, losses = _fit(loss)
    ref_weights, ref_losses = _fit("mse")
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-12)
    for a, b in zip(weights, ref_weights):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert ref_losses[-1] < ref_losses[0]


def test_a_scaled_subclass_scales_the_gradient():
    w2, _ = _fit(ScaledMSE(factor=2.0), epochs=1)
    w1, _ = _fit(ScaledMSE(factor=1.0), epochs=1)
    assert not np.allclose(w2[0], w1[0])


def test_a_numpy_loss_says_why_it_cannot_train():
    def numpy_mse(y_true, y_pred):
        return np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2, axis=-1)

    with pytest.raises(ValueError, match="'numpy_mse' returned ndarray, not a tensor"):
        _fit(numpy_mse, epochs=1)


def test_a_loss_subclass_without_call_names_itself():
    class Empty(keras.losses.Loss):
        pass

    with pytest.raises(NotImplementedError, match=r"Empty defines neither call\(y_true, y_pred\)"):
        _fit(Empty(), epochs=1)


def test_a_loss_written_with_the_keras_backend_trains():
    import scratchdl.keras.backend as K

    def rmse(y_true, y_pred):
        return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))

    weights, losses = _fit(rmse)
    assert losses[-1] < losses[0]
    v = K.variable([1.0, 2.0])
    K.set_value(v, [3.0, 4.0])
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
    per_sample = _fit(lambda yt, yp: tf.sqrt(tf.reduce_mean(tf.square(yp - yt), axis=-1)))
    np.testing.assert_allclose(weights[0], per_sample[0][0], rtol=1e-12)
