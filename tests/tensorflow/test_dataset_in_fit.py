"""fit, evaluate and predict on tf.data.Dataset batches, as the Keras guides feed them."""

import warnings

import numpy as np
import pytest

import scratchdl.keras as keras
import scratchdl.tensorflow as tf


def _data(rng, n=60):
    x = rng.standard_normal((n, 4)).astype(np.float32)
    return x, x[:, :3].argmax(axis=1)


def _model():
    model = keras.Sequential(
        [keras.layers.Dense(3, activation="softmax", input_shape=(4,))], seed=0
    )
    model.compile(
        keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def test_fit_on_an_unshuffled_dataset_equals_fit_on_the_arrays(rng):
    x, y = _data(rng)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    a, b = _model(), _model()
    ha = a.fit(ds, epochs=3, verbose=0, validation_data=ds)
    hb = b.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(x, y))
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(ha.history[key], hb.history[key], rtol=1e-6)
    assert ha.params["steps"] == 4
    np.testing.assert_allclose(a.evaluate(ds, verbose=0), b.evaluate(x, y, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(a.predict(ds, verbose=0), b.predict(x, verbose=0), rtol=1e-6)


def test_a_shuffled_dataset_and_steps_per_epoch_that_continues(rng):
    x, y = _data(rng)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(60, seed=1).batch(10)
    model = _model()
    h = model.fit(ds.repeat(), steps_per_epoch=4, epochs=3, verbose=0)
    assert h.params["steps"] == 4 and len(h.history["loss"]) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 3 epochs x 4 steps out of a 6-batch dataset: ran out
        with pytest.raises(UserWarning, match="ran out of data"):
            _model().fit(ds, steps_per_epoch=4, epochs=3, verbose=0)


def test_arguments_a_dataset_replaces_are_refused(rng):
    x, y = _data(rng)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    with pytest.raises(ValueError, match="`y` argument is not supported when using dataset"):
        _model().fit(ds, y, verbose=0)
    with pytest.raises(ValueError, match="batch_size must not be given with a dataset"):
        _model().fit(ds, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="no known length"):
        _model().fit(ds.repeat(), epochs=1, verbose=0)
