"""Variables own their storage and their gradient: no assignment can disconnect a weight.

Pins the contract of src/scratchdl/variables.py and its use by layers and models:
values and gradients live in the model's flat store; every public way of setting them
copies in (shape and dtype checked); a backward that assigns new gradient arrays still
trains; gradients always mean dL/dθ; a built layer reused in another model keeps (and
shares) its weights.
"""

import numpy as np
import pytest

from scratchdl.layers import BatchNormalization, Dense
from scratchdl.models.sequential import Sequential
from scratchdl.optimizers import SGD, Adam
from scratchdl.variables import Variable


def _data(rng, n=32, d=6, k=3):
    """Inputs and learnable labels: the index of the largest of the first k features."""
    x = rng.standard_normal((n, d))
    return x, x[:, :k].argmax(axis=1)


def _model(seed=0, dtype="float64", optimizer=None, **dense_kwargs):
    model = Sequential(
        [
            Dense(5, activation="tanh", input_shape=(6,), **dense_kwargs),
            Dense(3, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )
    model.compile(optimizer or SGD(0.1), "sparse_categorical_crossentropy")
    return model


# -- Variable ----------------------------------------------------------------------------


def test_assign_writes_in_place_and_numpy_is_a_copy():
    v = Variable(np.zeros((2, 3), np.float32), name="w")
    home = v.value
    v.assign(np.ones((2, 3)))  # float64 converts into float32
    v.assign_add(np.full((2, 3), 2.0))
    v.assign_sub(1.0 * np.ones((2, 3)))
    assert v.value is home and v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 2.0))
    copy = v.numpy()
    copy[...] = -1
    assert v.value[0, 0] == 2.0


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (np.zeros((3, 2)), ValueError,
         r"variable 'w': expected an array of shape \(2, 3\), received shape \(3, 2\)"),
        (np.zeros((2, 3), complex), TypeError, "convertible to float32, received dtype complex128"),
        (np.array([["a"] * 3] * 2), TypeError, "received dtype <U1"),
    ],
)  # fmt: skip
def test_assign_refuses_wrong_shapes_and_kinds(value, error, message):
    v = Variable(np.zeros((2, 3), np.float32), name="w")
    with pytest.raises(error, match=message):
        v.assign(value)
    np.testing.assert_array_equal(v.value, 0.0)


# -- the store is every weight's home -------------------------------------------------


def test_values_and_grads_are_views_of_the_models_flat_buffers():
    model = _model()
    for var in model.trainable_weights:
        assert np.shares_memory(var.value, model.store.data)
        assert np.shares_memory(var.grad, model.store.grad)
    assert [v.path for v in model.weights] == [
        f"{model.layers[0].name}/kernel",
        f"{model.layers[0].name}/bias",
        f"{model.layers[1].name}/kernel",
        f"{model.layers[1].name}/bias",
    ]


@pytest.mark.parametrize("how", ["params", "attribute", "assign", "set_weights"])
def test_every_way_of_setting_a_weight_reaches_the_store(rng, how):
    model = _model()
    x, _ = _data(rng)
    dense = model.layers[0]
    new = rng.standard_normal((6, 5))
    if how == "params":
        dense.params["kernel"] = new
    elif how == "attribute":
        dense.kernel = new
    elif how == "assign":
        dense.kernel.assign(new)
    else:
        dense.set_weights([new, dense.bias.numpy()])
    np.testing.assert_array_equal(model.store.view(f"{dense.name}/kernel"), new)
    expected = np.tanh(x @ new + dense.bias.numpy())
    np.testing.assert_allclose(dense.forward(x), expected, rtol=1e-12)


def test_a_wrong_shape_names_the_layer_and_the_weight():
    model = _model()
    dense = model.layers[0]
    with pytest.raises(ValueError, match=rf"params\['kernel'\] of layer '{dense.name}'.*\(6, 5\)"):
        dense.params["kernel"] = np.zeros((5, 6))
    with pytest.raises(KeyError, match="no parameter 'W' to hold a gradient"):
        dense.grads["W"] = np.zeros((6, 5))


def test_weights_lists_follow_keras_order():
    model = Sequential([Dense(4, input_shape=(3,)), BatchNormalization()], seed=0)
    bn = model.layers[1]
    assert [v.name for v in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.name for v in bn.trainable_weights] == ["gamma", "beta"]
    assert [v.name for v in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert bn.moving_variance.trainable is False and bn.gamma.trainable is True
    assert len(model.weights) == 6 and len(model.trainable_weights) == 4


# -- backward that assigns instead of writing in place ------------------------------------


class AssigningDense(Dense):
    """A Dense whose backward rebinds its gradients, as a first-time layer author writes it."""

    def backward_linear(self, dz):
        self.grads["kernel"] = self._x.T @ dz
        self.grads["bias"] = dz.sum(axis=0)
        return dz @ self.params["kernel"].T


class DictReplacingDense(Dense):
    def backward_linear(self, dz):
        self.grads = {"kernel": self._x.T @ dz, "bias": dz.sum(axis=0)}
        return dz @ self.params["kernel"].T


def test_a_backward_that_assigns_gradients_trains_exactly_like_the_in_place_one(rng):
    x, y = _data(rng, n=64)
    models = []
    for cls in (Dense, AssigningDense):
        model = Sequential(
            [cls(5, activation="tanh", input_shape=(6,)), cls(3, activation="softmax")],
            seed=1,
            dtype="float64",
        )
        model.compile(SGD(0.5), "sparse_categorical_crossentropy")
        before = model.get_weights()
        model.fit(x, y, batch_size=16, epochs=3, verbose=0)
        models.append((before, model.get_weights()))
    (before_ref, after_ref), (before, after) = models
    for b, a in zip(before, after):
        assert not np.allclose(a, b)  # every weight moved
    for a, ref in zip(after, after_ref):
        np.testing.assert_allclose(a, ref, rtol=1e-12, atol=1e-14)


def test_replacing_the_grads_dict_stops_at_the_first_step_naming_the_layer(rng):
    x, y = _data(rng)
    model = Sequential(
        [DictReplacingDense(5, input_shape=(6,), name="mine"), Dense(3, activation="softmax")],
        seed=0,
    )
    model.compile(SGD(0.1), "sparse_categorical_crossentropy")
    with pytest.raises(TypeError, match="layer 'mine' replaced its grads dict"):
        model.fit(x, y, epochs=1, verbose=0)


# -- gradients mean dL/dθ ------------------------------------------------------------------


def _numerical_grads(model, x, y, eps=1e-6):
    """Central differences of the batch loss (penalties included) w.r.t. every weight."""
    grads = []
    for var in model.trainable_weights:
        g = np.zeros(var.shape)
        flat, out = var.value.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + eps
            up = model.evaluate(x, y, batch_size=len(x), verbose=0)
            flat[i] = keep - eps
            down = model.evaluate(x, y, batch_size=len(x), verbose=0)
            flat[i] = keep
            out[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("regularizer", [None, "l2"])
def test_after_one_sgd_step_every_grad_is_the_numerical_gradient(rng, regularizer):
    x, y = _data(rng, n=20)
    model = _model(seed=3, kernel_regularizer=regularizer)
    before = model.get_weights()
    expected = _numerical_grads(model, x, y)
    model.fit(x, y, batch_size=20, epochs=1, shuffle=False, verbose=0)
    assert not np.allclose(model.get_weights()[0], before[0])  # the step happened
    for var, g in zip(model.trainable_weights, expected):
        np.testing.assert_allclose(var.grad, g, rtol=1e-6, atol=1e-9)
        assert np.abs(g).max() > 1e-4  # a real gradient, not zeros


def test_sgd_and_adam_see_the_same_gradient_of_the_same_batch(rng):
    x, y = _data(rng)
    grads = []
    for opt in (SGD(0.01), Adam()):
        model = _model(seed=5, dtype="float32", optimizer=opt)
        model.train_on_batch(x, y)
        grads.append([v.grad.copy() for v in model.trainable_weights])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


# -- a built layer keeps its weights in a new model -------------------------------------------


def test_reusing_trained_layers_never_reinitialises_them(rng):
    x, y = _data(rng, n=200)
    model = _model(seed=2)
    model.fit(x, y, batch_size=20, epochs=20, verbose=0)
    trained = model.get_weights()
    accuracy = np.mean(model.predict(x, verbose=0).argmax(-1) == y)
    assert accuracy > 0.6
    bigger = Sequential([*model.layers, Dense(3, activation="softmax")], seed=9, dtype="float64")
    for a, b in zip(model.get_weights(), trained):
        np.testing.assert_array_equal(a, b)
    assert np.mean(model.predict(x, verbose=0).argmax(-1) == y) == accuracy
    assert bigger.layers[0] is model.layers[0]


def test_training_a_model_after_another_took_its_layers_still_updates_them(rng):
    x, y = _data(rng)
    model = _model(seed=4)
    other = Sequential(model.layers, seed=1, dtype="float64")  # binds the same Variables
    assert not model.store.is_home()
    before = model.get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    after = model.get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(after, before))
    for a, b in zip(other.get_weights(), after):  # shared layers: one set of weights
        np.testing.assert_array_equal(a, b)


def test_a_built_layer_refuses_an_incompatible_input():
    dense = Dense(3, input_shape=(4,), name="d")
    Sequential([dense], seed=0)
    with pytest.raises(ValueError, match=r"layer 'd' was built for inputs of shape \(None, 4\)"):
        Sequential([Dense(5, input_shape=(2,)), dense], seed=0)
