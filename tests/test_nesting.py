"""Layers and models as functions; a model inside a model; freezing (docs/keras.md).

The beginner tutorials end with ``Sequential([model, Softmax()])`` and call models and
losses directly (``model(x[:1]).numpy()``, ``loss_fn(y, p).numpy()``); transfer
learning freezes layers. These tests pin that the trained weights are shared, never
re-initialised, and that frozen weights stay fixed.
"""

import numpy as np
import pytest

from scratchdl.eager import EagerTensor
from scratchdl.gradcheck import numerical_gradient
from scratchdl.layers import BatchNormalization, Dense, Flatten, Softmax
from scratchdl.losses import SparseCategoricalCrossentropy
from scratchdl.models.loading import load_model
from scratchdl.models.sequential import Sequential


def _data(rng, n=200):
    x = rng.standard_normal((n, 4, 2))
    return x, x.reshape(n, -1)[:, :3].argmax(axis=1)


def _trained(rng, epochs=30):
    x, y = _data(rng)
    model = Sequential(
        [Flatten(input_shape=(4, 2)), Dense(16, activation="relu"), Dense(3)], seed=0
    )
    model.compile("adam", SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, batch_size=20, epochs=epochs, verbose=0)
    return model, x, y


# -- calling ----------------------------------------------------------------------------


def test_calling_a_layer_builds_it_and_returns_an_eager_tensor(rng):
    layer = Dense(3, name="called")
    x = rng.standard_normal((2, 5)).astype(np.float32)
    y = layer(x)
    assert isinstance(y, EagerTensor) and isinstance(y.numpy(), np.ndarray)
    assert not isinstance(y.numpy(), EagerTensor) and y.shape == (2, 3)
    np.testing.assert_allclose(y.numpy(), x @ layer.kernel.numpy() + layer.bias.numpy(), rtol=1e-6)
    assert layer.built and layer.kernel.shape == (5, 3)
    np.testing.assert_array_equal(layer(x), y)  # the same weights on the second call
    with pytest.raises(
        ValueError, match=r"'called' is incompatible.*\(None, 5\), received shape \(None, 4\)"
    ):
        layer(np.ones((2, 4)))


def test_calling_a_model_and_a_loss_answers_numpy(rng):
    model, x, y = _trained(rng, epochs=1)
    logits = model(x[:1])
    assert isinstance(logits, EagerTensor) and logits.numpy().shape == (1, 3)
    np.testing.assert_allclose(logits.numpy(), model.predict(x[:1], verbose=0), rtol=1e-6)
    loss = SparseCategoricalCrossentropy(from_logits=True)(y[:1], logits)
    assert loss.numpy().dtype == np.float32 and loss.numpy().shape == ()
    assert float(loss) == pytest.approx(float(model.evaluate(x[:1], y[:1], verbose=0)[0]), rel=1e-5)
    assert "tf.Tensor: shape=(1, 3), dtype=float32" in repr(logits)


def test_model_call_with_training_true_uses_batch_statistics(rng):
    model = Sequential([BatchNormalization(input_shape=(3,))], seed=0)
    x = rng.standard_normal((50, 3)) * 4 + 10
    inference = model(x).numpy()
    training = model(x, training=True).numpy()
    np.testing.assert_allclose(training.mean(axis=0), 0.0, atol=1e-4)  # normalised by the batch
    assert np.abs(inference.mean(axis=0)).min() > 5  # moving stats start at 0 / 1
    expected = 0.01 * x.mean(axis=0)  # momentum 0.99: one update from zero
    np.testing.assert_allclose(model.layers[0].moving_mean.numpy(), expected, rtol=1e-5)


# -- a model inside a model ------------------------------------------------------------


def test_a_trained_model_inside_a_probability_model_keeps_its_weights(rng):
    model, x, y = _trained(rng)
    trained = model.get_weights()
    accuracy = model.evaluate(x, y, verbose=0)[1]
    assert accuracy > 0.8
    probability_model = Sequential([model, Softmax()])
    for a, b in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(a, b)
    p = probability_model.predict(x, verbose=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert np.mean(p.argmax(axis=1) == y) == pytest.approx(accuracy)
    assert model.evaluate(x, y, verbose=0)[1] == accuracy  # the original still works
    same_layers = Sequential(model.layers + [Softmax()])
    np.testing.assert_allclose(same_layers.predict(x, verbose=0), p, rtol=1e-6)


def test_a_nested_model_trains_inside_and_its_gradient_is_right(rng):
    x, y = _data(rng, n=16)
    inner = Sequential(
        [Flatten(input_shape=(4, 2)), Dense(5, activation="tanh")], seed=1, dtype="float64"
    )
    outer = Sequential([inner, Dense(3)], seed=2, dtype="float64")
    outer.compile("sgd", SparseCategoricalCrossentropy(from_logits=True))
    assert [v.path for v in outer.trainable_weights] == [
        v.path for v in inner.trainable_weights
    ] + [
        f"{outer.layers[1].name}/kernel",
        f"{outer.layers[1].name}/bias",
    ]

    def loss():
        return outer.evaluate(x, y, batch_size=16, verbose=0)

    expected = [numerical_gradient(loss, v.value) for v in outer.trainable_weights]
    outer.train_on_batch(x, y)
    for var, g in zip(outer.trainable_weights, expected):
        np.testing.assert_allclose(var.grad, g, rtol=1e-5, atol=1e-8)


def test_an_unbuilt_model_inside_is_built_by_the_outer_one(rng):
    inner = Sequential([Dense(4, activation="relu")], seed=0)
    outer = Sequential([Dense(6, input_shape=(3,)), inner, Dense(2)], seed=0)
    assert inner.built and inner.input_shape == (None, 6) and outer.output_shape == (None, 2)
    assert outer.count_params() == (3 * 6 + 6) + (6 * 4 + 4) + (4 * 2 + 2)
    assert outer.predict(rng.standard_normal((5, 3)), verbose=0).shape == (5, 2)


def test_a_nested_model_saves_and_loads(rng, tmp_path):
    model, x, _ = _trained(rng, epochs=2)
    outer = Sequential([model, Softmax()])
    outer.compile("adam", "sparse_categorical_crossentropy")
    path = tmp_path / "nested.keras"
    outer.save(path)
    again = load_model(path)
    assert type(again.layers[0]) is Sequential
    np.testing.assert_array_equal(again.predict(x, verbose=0), outer.predict(x, verbose=0))


# -- freezing ---------------------------------------------------------------------------


def test_a_frozen_layer_keeps_its_weights_and_the_counts_follow(rng):
    model, x, y = _trained(rng, epochs=1)
    hidden = model.layers[1]
    hidden.trainable = False
    frozen = hidden.get_weights()
    head_before = model.layers[2].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(hidden.get_weights(), frozen):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(model.layers[2].get_weights()[0], head_before[0])
    assert hidden.trainable_weights == [] and len(hidden.non_trainable_weights) == 2
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 51 " in lines[0] and "Non-trainable params: 144 " in lines[0]


def test_a_frozen_model_and_frozen_batch_norm(rng):
    base = Sequential([Dense(8, input_shape=(3,)), BatchNormalization()], seed=0)
    base.trainable = False
    model = Sequential([base, Dense(2)], seed=0)
    model.compile("sgd", "mse")
    x = rng.standard_normal((40, 3)) * 3 + 5
    before = base.get_weights()
    model.fit(x, rng.standard_normal((40, 2)), epochs=2, verbose=0)
    for a, b in zip(base.get_weights(), before):  # moving stats too: BN ran in inference mode
        np.testing.assert_array_equal(a, b)
    assert len(model.trainable_weights) == 2
    base.trainable = True
    model.fit(x, rng.standard_normal((40, 2)), epochs=1, verbose=0)  # unfrozen: it moves again
    assert not np.allclose(base.get_weights()[0], before[0])


def test_get_layer_by_name_or_index_with_keras_messages():
    model = Sequential([Dense(2, input_shape=(3,), name="a"), Dense(1, name="b")], seed=0)
    assert model.get_layer("b") is model.layers[1] and model.get_layer(index=0).name == "a"
    with pytest.raises(ValueError, match="Provide only a layer name or a layer index"):
        model.get_layer("a", 0)
    with pytest.raises(ValueError, match="Provide either a layer name or layer index"):
        model.get_layer()
    with pytest.raises(ValueError, match="at index 99 but model only has 2 layers"):
        model.get_layer(index=99)
    with pytest.raises(ValueError, match=r"No such layer: nope. Existing layers are: \['a', 'b'\]"):
        model.get_layer("nope")


def test_a_one_input_layer_refuses_a_list_of_tensors_and_converts_plain_lists():
    from scratchdl.models.functional import Input

    with pytest.raises(ValueError, match="takes one input, received a list of 2"):
        Dense(2)([Input(shape=(3,)), Input(shape=(3,))])
    y = Dense(2, name="from_list")([[1.0, 2.0, 3.0]])  # a nested list of numbers: one batch
    assert y.shape == (1, 2)
