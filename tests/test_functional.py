"""The functional API, merge layers and subclassed models (docs/keras.md, "Functional API").

Gradients of graphs (a shared layer, two inputs joined by concatenate, a subclass's
call) are checked against numerical gradients with a random upstream gradient; the
summary's "Connected to" table and names follow docs/keras-reference.md A12.
"""

import numpy as np
import pytest

import scratchdl.keras as keras
from scratchdl.gradcheck import numerical_gradient
from scratchdl.layers import Dense
from scratchdl.layers.merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from scratchdl.layers.symbolic import KerasTensor
from scratchdl.models.functional import Input, Model
from scratchdl.models.sequential import Sequential


def _grad_check(model, xs, rng):
    """Every trainable weight's gradient of sum(output * upstream) vs central differences."""
    xs = xs if isinstance(xs, list) else [xs]
    arg = xs if len(xs) > 1 else xs[0]
    upstream = rng.standard_normal(model._forward(arg, True).shape)

    def f():
        return float(np.sum(model._forward(arg, True) * upstream))

    for var in model.trainable_weights:
        model._forward(arg, True)
        model.backward_from([upstream]) if hasattr(model, "backward_from") else None
        analytic = var.grad.copy()
        numeric = numerical_gradient(f, var.value)
        assert np.abs(numeric).max() > 1e-6
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9, err_msg=var.path)


def test_input_is_symbolic_and_layers_record_nodes():
    x = Input(shape=(4,))
    assert isinstance(x, KerasTensor) and x.shape == (None, 4) and x.dtype == np.float32
    dense = Dense(3)
    y = dense(x)
    assert y.shape == (None, 3) and dense.output is y and dense.input is x
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(y)


def test_a_shared_layer_adds_its_gradients(rng):
    inp = Input(shape=(3,), dtype="float64")
    shared = Dense(3, activation="tanh", dtype=None)
    out = Dense(2)(shared(shared(inp)))
    model = Model(inp, out)
    assert model._shared and [lay.name for lay in model.layers][0].startswith("input_")
    _grad_check(model, rng.standard_normal((5, 3)), rng)


def test_two_inputs_joined_by_concatenate(rng):
    a, b = Input(shape=(3,), dtype="float64"), Input(shape=(2,), dtype="float64")
    joined = keras.layers.concatenate([Dense(4, activation="relu")(a), Dense(4)(b)])
    model = Model([a, b], Dense(1)(joined))
    xa, xb = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    _grad_check(model, [xa, xb], rng)
    out = model([xa, xb]).numpy()
    np.testing.assert_array_equal(model.predict({a.name: xa, b.name: xb}, verbose=0), out)
    model.compile(keras.optimizers.SGD(0.05), "mse")
    y = xa[:, :1] - xb[:, :1]
    h = model.fit([xa, xb], y, batch_size=2, epochs=20, validation_split=0.34, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] and len(h.history["val_loss"]) == 20
    assert np.isfinite(model.evaluate({a.name: xa, b.name: xb}, y, verbose=0))


@pytest.mark.parametrize("cls", [Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate])
def test_merge_layers_gradient_checks(cls, rng):
    layer = cls()
    xs = [rng.standard_normal((4, 5)), rng.standard_normal((4, 5))]
    y = layer(xs).numpy()
    upstream = rng.standard_normal(y.shape)
    layer.forward(xs)
    grads = layer.backward(upstream)
    for x, g in zip(xs, grads):
        numeric = numerical_gradient(lambda: float(np.sum(layer.forward(xs) * upstream)), x)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


def test_merge_layer_rules_from_keras():
    x1, x2 = np.ones((2, 3)), np.full((2, 1), 2.0)
    np.testing.assert_array_equal(Add()([x1, x2]).numpy(), np.full((2, 3), 3.0))  # broadcast
    np.testing.assert_array_equal(Average()([x1]).numpy(), x1)  # one input: unchanged
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        Subtract()([x1, x1, x1])
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        Add()(x1)
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        keras.layers.concatenate([Input(shape=(2, 3)), Input(shape=(4, 5))])


def test_a_functional_model_trains_like_the_same_sequential(rng):
    x = rng.standard_normal((60, 4))
    y = x[:, :3].argmax(axis=1)
    runs = []
    for build in ("functional", "sequential"):
        d1, d2 = Dense(8, activation="relu"), Dense(3, activation="softmax")
        if build == "functional":
            inp = Input(shape=(4,), dtype="float64")
            model = Model(inp, d2(d1(inp)))
        else:
            model = Sequential([keras.layers.InputLayer(shape=(4,)), d1, d2], dtype="float64")
        start = np.random.default_rng(5)
        model.set_weights([start.standard_normal(w.shape) * 0.3 for w in model.get_weights()])
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        h = model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0)
        runs.append((h.history["loss"], model.get_weights()))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)


def test_models_nest_both_ways_and_share_weights(rng):
    seq = Sequential([Dense(4, activation="relu", input_shape=(3,))], seed=0)
    inp = Input(shape=(3,))
    outer = Model(inp, Dense(2)(seq(inp)))
    wrapped = Sequential([outer, keras.layers.Softmax()])
    x = rng.standard_normal((5, 3)).astype(np.float32)
    p = wrapped.predict(x, verbose=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert outer.layers[1] is seq and wrapped.count_params() == outer.count_params() == 16 + 10


def test_summary_has_the_connected_to_column():
    keras.backend.clear_session()
    inp = Input(shape=(4,))
    joined = keras.layers.concatenate([Dense(3)(inp), Dense(3)(inp)])
    model = Model(inp, Dense(2)(joined))
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0].splitlines()
    assert text[0] == 'Model: "model"' and len(text[1]) == 98
    assert text[2].split() == [
        "Layer",
        "(type)",
        "Output",
        "Shape",
        "Param",
        "#",
        "Connected",
        "to",
    ]
    row = next(t for t in text if t.startswith(" concatenate"))
    assert row.split()[-1] == "['dense[0][0]',"
    follow = text[text.index(row) + 1]
    assert follow.strip() == "'dense_1[0][0]']" and follow.index("'") == row.index("[", 60) + 1
    assert " input_1 (InputLayer)         [(None, 4)]" in lines[0]
    assert "Total params: 44 (176.00 Byte)" in lines[0]


def test_graph_disconnected_and_wrong_inputs():
    a, b = Input(shape=(2,)), Input(shape=(2,))
    y = Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(a, y)
    model = Model([a, b], Dense(1)(keras.layers.add([a, b])))
    with pytest.raises(ValueError, match="has 2 inputs"):
        model.predict(np.ones((3, 2)), verbose=0)


class TwoLayers(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(6, activation="tanh")
        self.out = keras.layers.Dense(3)

    def call(self, inputs, training=None):
        h = self.hidden(inputs)
        if training:  # Python control flow around layer calls and tensor math
            h = h * 1.0
        return self.out(h) * 0.5


def test_a_subclassed_model_trains_evaluates_and_its_gradient_is_right(rng):
    x = rng.standard_normal((40, 4)).astype(np.float32)
    y = x[:, :3].argmax(axis=1)
    model = TwoLayers()
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(keras.optimizers.SGD(0.0), loss)
    model.train_on_batch(x[:8], y[:8])
    assert [lay.name for lay in model.layers] == [model.hidden.name, model.out.name]
    for var in model.trainable_weights:
        numeric = numerical_gradient(
            lambda: float(model.evaluate(x[:8], y[:8], verbose=0)), var.value, h=1e-3
        )
        np.testing.assert_allclose(var.grad, numeric, atol=3e-4)
    model.compile(keras.optimizers.Adam(0.05), loss, metrics=["accuracy"])
    h = model.fit(x, y, batch_size=8, epochs=15, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] and h.history["accuracy"][-1] > 0.8
    assert model.predict(x, verbose=0).shape == (40, 3)
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 51 " in lines[0]


def test_a_functional_model_saves_and_loads_with_identical_predictions(rng, tmp_path):
    a, b = Input(shape=(3,)), Input(shape=(2,))
    shared = Dense(4, activation="relu")  # called twice
    inner = Sequential([Dense(2, input_shape=(4,))], seed=0)  # a model inside the graph
    left, right = inner(shared(a)), inner(shared(keras.layers.Dense(3)(b)))
    model = Model([a, b], keras.layers.Dense(1)(keras.layers.add([left, right])))
    model.compile("adam", "mse")
    xa, xb = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    model.fit([xa, xb], rng.standard_normal((5, 1)), epochs=2, verbose=0)
    path = tmp_path / "graph.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert type(again) is Model
    assert [lay.name for lay in again.layers] == [lay.name for lay in model.layers]
    expected = model.predict([xa, xb], verbose=0)
    np.testing.assert_array_equal(again.predict([xa, xb], verbose=0), expected)
    config = model.get_config()
    assert config["input_layers"] == [[a.name, 0, 0], [b.name, 0, 0]]
    assert Model.from_config(config).count_params() == model.count_params()


def _two_output_model(rng):
    inp = Input(shape=(4,), dtype="float64")
    hidden = Dense(6, activation="tanh")(inp)
    cls = Dense(3, activation="softmax", name="cls")(hidden)
    reg = Dense(1, name="reg")(hidden)
    return Model(inp, [cls, reg])


def test_two_outputs_train_with_weighted_losses_and_tf_keras_keys(rng):
    model = _two_output_model(rng)
    x = rng.standard_normal((30, 4))
    y_cls, y_reg = x[:, :3].argmax(axis=1), x[:, :1] * 2
    model.compile(
        keras.optimizers.SGD(0.05),
        loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[0.3, 2.0],
        metrics={"cls": ["accuracy"], "reg": ["mae"]},
    )
    h = model.fit(x, [y_cls, y_reg], batch_size=10, epochs=2, validation_split=0.2, verbose=0)
    assert list(h.history) == [
        "loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae",
        "val_loss", "val_cls_loss", "val_reg_loss", "val_cls_accuracy", "val_reg_mae",
    ]  # fmt: skip
    logs = model.evaluate(x, {"cls": y_cls, "reg": y_reg}, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.3 * logs["cls_loss"] + 2.0 * logs["reg_loss"], rel=1e-9)
    assert model.metrics_names == ["loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"]
    p_cls, p_reg = model.predict(x, verbose=0)
    assert p_cls.shape == (30, 3) and p_reg.shape == (30, 1)


def test_two_output_gradients_are_the_weighted_sum(rng):
    model = _two_output_model(rng)
    model.compile(keras.optimizers.SGD(0.0), ["sparse_categorical_crossentropy", "mse"],
                  loss_weights={"cls": 0.5, "reg": 3.0})  # fmt: skip
    x = rng.standard_normal((8, 4))
    ys = [x[:, :3].argmax(axis=1), x[:, :1]]
    model.train_on_batch(x, ys)

    def total():
        return float(model.evaluate(x, ys, batch_size=8, verbose=0)[0])

    for var in model.trainable_weights:
        np.testing.assert_allclose(
            var.grad, numerical_gradient(total, var.value), rtol=1e-6, atol=1e-9
        )


def test_a_two_output_model_saves_its_losses_and_weights(rng, tmp_path):
    model = _two_output_model(rng)
    model.compile("adam", ["sparse_categorical_crossentropy", "mse"], loss_weights=[0.3, 2.0],
                  metrics={"cls": ["accuracy"]})  # fmt: skip
    x = rng.standard_normal((10, 4))
    ys = [x[:, :3].argmax(axis=1), x[:, :1]]
    model.fit(x, ys, epochs=1, verbose=0)
    model.save(tmp_path / "two.keras")
    again = keras.models.load_model(tmp_path / "two.keras")
    assert again.loss.weights == [0.3, 2.0]
    assert again.evaluate(x, ys, verbose=0) == pytest.approx(model.evaluate(x, ys, verbose=0))


def test_a_functional_cnn_trains_and_counts_like_tf_keras(rng):
    inp = Input(shape=(8, 8, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inp)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    model = Model(inp, Dense(3, activation="softmax")(x))
    assert model.output_shape == (None, 3)
    assert model.count_params() == (3 * 3 * 1 * 4 + 4) + (3 * 3 * 4 * 3 + 3)  # 40 + 111
    images = rng.standard_normal((24, 8, 8, 1)).astype(np.float32)
    labels = rng.integers(0, 3, 24)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(images, labels, batch_size=8, epochs=3, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_a_frozen_functional_model_and_mismatched_sample_weights(rng):
    inp = Input(shape=(3,))
    frozen = Model(inp, Dense(2)(inp), trainable=False)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 2
    model = _two_output_model(rng)
    model.compile("sgd", ["sparse_categorical_crossentropy", "mse"])
    x = rng.standard_normal((6, 4))
    with pytest.raises(ValueError, match="sample_weight has 5 entries for 6 samples"):
        model.fit(x, [np.zeros(6), np.zeros((6, 1))], sample_weight=np.ones(5), verbose=0)


def test_a_subclassed_model_inside_a_sequential_trains(rng):
    inner = TwoLayers()
    model = Sequential([Dense(4, activation="relu", input_shape=(5,)), inner], seed=0)
    assert model.inputs is None  # no graph to show: said, not guessed
    x = rng.standard_normal((30, 5)).astype(np.float32)
    y = x[:, :3].argmax(axis=1)
    model.compile(
        keras.optimizers.Adam(0.05), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    h = model.fit(x, y, batch_size=10, epochs=10, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert model.output_shape == (None, 3) and inner.hidden.built
