"""Sequential: structure, fit semantics (Keras A3), evaluate/predict forms, errors."""

import numpy as np
import pytest

from scratchdl.datasets.synthetic import spirals
from scratchdl.layers import BatchNormalization, Dense, Dropout, Flatten, InputLayer
from scratchdl.models.sequential import Sequential
from scratchdl.optimizers import SGD


def _data(rng, n=120, d=4, classes=3):
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
    return x, y % classes


def _model(seed=0, classes=3, d=4, **compile_kw):
    model = Sequential(
        [Dense(8, activation="tanh", input_shape=(d,)), Dense(classes, activation="softmax")],
        seed=seed,
    )
    kw = dict(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    kw.update(compile_kw)
    model.compile(**kw)
    return model


def test_input_shape_creates_input_layer_and_builds():
    model = Sequential([Dense(5, input_shape=(3,)), Dense(2)])
    assert model.built and model.input_shape == (None, 3) and model.output_shape == (None, 2)
    assert [type(lay).__name__ for lay in model.layers] == ["Dense", "Dense"]
    assert [lay.name for lay in model.layers] == ["dense", "dense_1"]
    assert model.count_params() == 3 * 5 + 5 + 5 * 2 + 2


def test_weights_are_views_of_one_flat_buffer():
    model = Sequential([InputLayer(shape=(3,)), Dense(4), BatchNormalization(), Dense(2)])
    store = model.store
    assert store.paths == [
        "dense/kernel",
        "dense/bias",
        "batch_normalization/gamma",
        "batch_normalization/beta",
        "dense_1/kernel",
        "dense_1/bias",
    ]
    for layer in model.layers:
        for key, p in layer.params.items():
            assert np.shares_memory(p, store.data), key
            assert np.shares_memory(layer.grads[key], store.grad), key
    store.data[:] = 7.0
    assert np.all(model.layers[0].params["kernel"] == 7.0)
    w = model.get_weights()
    assert [a.shape for a in w] == [(3, 4), (4,), (4,), (4,), (4,), (4,), (4, 2), (2,)]


def test_history_keys_are_the_metric_strings(rng):
    x, y = _data(rng)
    for name in ("acc", "accuracy"):
        model = _model(metrics=[name])
        h = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
        assert list(h.history) == ["loss", name, "val_loss", f"val_{name}"]
        assert h.epoch == [0, 1] and all(len(v) == 2 for v in h.history.values())
        assert h.params == {"verbose": 0, "epochs": 2, "steps": 3}
        assert model.history is h


def test_validation_split_takes_the_last_fraction_before_shuffling(rng):
    x, y = _data(rng, n=10)
    model = _model()
    seen = {}
    original = model._evaluate_arrays

    def spy(xv, *rest):
        seen["x"] = xv.copy()
        return original(xv, *rest)

    model._evaluate_arrays = spy
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.3)
    np.testing.assert_array_equal(seen["x"], x[7:])  # floor(10 * 0.7) = 7


def test_last_partial_batch_is_kept(rng):
    x, y = _data(rng, n=10)
    model = _model()
    h = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert h.params["steps"] == 3
    assert model.optimizer.iterations == 3


def test_same_seed_same_history_bit_for_bit(rng):
    x, y = _data(rng)
    runs = []
    for _ in range(2):
        model = Sequential(
            [
                Dense(8, activation="relu", input_shape=(4,)),
                Dropout(0.3),
                Dense(3, activation="softmax"),
            ],
            seed=42,
        )
        model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
        runs.append((model.fit(x, y, epochs=3, verbose=0).history, model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_loss_is_running_mean_including_regularization(rng):
    from scratchdl.regularizers import L2

    x, y = _data(rng, n=8)
    model = Sequential(
        [Dense(3, activation="softmax", kernel_regularizer=L2(0.5), input_shape=(4,))], seed=1
    )
    model.compile(SGD(0.0), "sparse_categorical_crossentropy")  # lr 0: weights fixed
    h = model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    p = model.predict(x)
    ce = -np.mean(np.log(np.clip(p[np.arange(8), y], 1e-7, 1)))
    penalty = 0.5 * np.sum(model.layers[0].params["kernel"] ** 2)
    assert h.history["loss"][0] == pytest.approx(ce + penalty, rel=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(ce + penalty, rel=1e-5)


def test_evaluate_return_forms(rng):
    x, y = _data(rng)
    model = _model(metrics=["accuracy", "sparse_categorical_accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    values = model.evaluate(x, y, verbose=0)
    assert isinstance(values, list) and len(values) == 3
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(d) == ["loss", "accuracy", "sparse_categorical_accuracy"]
    assert d["loss"] == values[0] and d["accuracy"] == values[2]
    only_loss = _model(metrics=None)
    assert isinstance(only_loss.evaluate(x, y, verbose=0), float)


def test_fused_and_unfused_paths_give_the_same_gradients(rng):
    x, y = _data(rng, n=16)
    from scratchdl.layers import Activation

    fused = Sequential([Dense(3, activation="softmax", input_shape=(4,))], seed=3, dtype="float64")
    split = Sequential([Dense(3, input_shape=(4,)), Activation("softmax")], seed=3, dtype="float64")
    split.set_weights(fused.get_weights())
    for m in (fused, split):
        m.compile(SGD(0.1), "sparse_categorical_crossentropy")
        m.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    assert fused._fused and split._fused
    for a, b in zip(fused.get_weights(), split.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_learns_spirals():
    (x, y) = spirals(n_per_class=100, n_classes=3, rng=np.random.default_rng(0))
    model = Sequential(
        [
            Dense(32, activation="relu", input_shape=(2,)),
            Dense(32, activation="relu"),
            Dense(3, activation="softmax"),
        ],
        seed=0,
    )
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    h = model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    assert h.history["accuracy"][-1] > 0.9


def test_float32_everywhere(rng):
    x = (rng.random((20, 28, 28)) * 255).astype(np.uint8)
    y = rng.integers(0, 10, 20)
    model = Sequential(
        [
            Flatten(input_shape=(28, 28)),
            Dense(8, activation="sigmoid"),
            BatchNormalization(),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", ["acc"])
    model.fit(x, y, epochs=1, verbose=0)
    assert model.store.data.dtype == np.float32 and model.store.grad.dtype == np.float32
    assert model.predict(x).dtype == np.float32
    for w in model.get_weights():
        assert w.dtype == np.float32
    assert model.predict(x[:1].reshape(1, 28, 28, 1)).shape == (1, 10)
    model64 = Sequential([Dense(2, input_shape=(3,))], dtype="float64")
    assert model64.predict(np.ones((1, 3), np.float32)).dtype == np.float64


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda m, x, y: m.fit(x, y[:-1], verbose=0), "same number of samples"),
        (lambda m, x, y: m.fit(x[:, :3], y, verbose=0), r"expected shape \(None, 4\)"),
        (lambda m, x, y: m.fit(x, y + 5, verbose=0), "out of range"),
        (lambda m, x, y: m.fit(x, np.eye(3)[y], verbose=0), "categorical_crossentropy"),
        (lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0), "batch_size=0"),
        (lambda m, x, y: m.fit(x, y, validation_split=1.5, verbose=0), "validation_split=1.5"),
        (lambda m, x, y: m.fit(x, y, validation_split=1.0, verbose=0), "validation_split=1.0"),
        (lambda m, x, y: m.fit(x, y, validation_split=-0.1, verbose=0), r"validation_split=-0.1"),
        (lambda m, x, y: m.fit(x, y, validation_split="0.2", verbose=0), "validation_split='0.2'"),
        (lambda m, x, y: m.fit(x, y, batch_size=-32, verbose=0), "batch_size=-32"),
        (lambda m, x, y: m.fit(x, y, batch_size=2.5, verbose=0), "batch_size=2.5"),
        (lambda m, x, y: m.predict(x, batch_size=0), "batch_size=0"),
        (lambda m, x, y: m.evaluate(x, y, batch_size=0, verbose=0), "batch_size=0"),
        (lambda m, x, y: m.fit(x, y, verbose=3), "verbose=3"),
        (lambda m, x, y: m.fit(x, y, epochs=-1, verbose=0), "epochs=-1"),
        (lambda m, x, y: m.fit(x, y, epochs=2.5, verbose=0), "epochs=2.5"),
        (lambda m, x, y: m.fit(x, y, shuffle="yes", verbose=0), "shuffle='yes'"),
        (lambda m, x, y: m.fit(x, y - 1, verbose=0), r"sparse label -1 is out of range"),
        (lambda m, x, y: m.fit(x, y + 0.5, verbose=0), r"whole numbers, received the label \d\.5"),
        (lambda m, x, y: m.fit(x, y, sample_weight=y[:3], verbose=0), "3 entries for 120"),
        (lambda m, x, y: m.fit(x, y, validation_data=(x,), verbose=0), "tuple of length 1"),
        (lambda m, x, y: m.evaluate(x, y[:5], verbose=0), "with 120 and y with 5"),
        (lambda m, x, y: m.predict(x[:, :2]), r"expected shape \(None, 4\).*\(120, 2\)"),
    ],
)
def test_bad_input_names_the_value(rng, call, match):
    x, y = _data(rng)
    with pytest.raises(ValueError, match=match):
        call(_model(), x, y)


def test_one_hot_with_sparse_loss_and_vice_versa(rng):
    x, y = _data(rng)
    with pytest.raises(ValueError, match=r"shape \(120,\); use loss='sparse_categorical"):
        _model(loss="categorical_crossentropy").fit(x, y, verbose=0)
    with pytest.raises(ValueError, match=r"one-hot-looking labels of shape \(120, 3\)"):
        _model().fit(x, np.eye(3)[y], verbose=0)


def test_fit_before_compile():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(np.ones((4, 3)), np.ones((4, 2)), verbose=0)


def test_unknown_metric_lists_valid_names(rng):
    x, y = _data(rng)
    with pytest.raises(ValueError, match=r"'acuracy'.*'accuracy'.*'sparse_categorical_accuracy'"):
        _model(metrics=["acuracy"]).fit(x, y, verbose=0)


def test_unknown_names_list_valid_ones():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="sgd"):
        model.compile(optimizer="sgdd", loss="mse")
    with pytest.raises(ValueError, match="mean_squared_error"):
        model.compile(optimizer="sgd", loss="Mse")


def test_duplicate_names_and_non_layers():
    model = Sequential([Dense(2, name="a", input_shape=(3,))])
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(2, name="a"))
    with pytest.raises(ValueError, match="Only instances"):
        model.add("dense")


def test_summary_prints_shapes_and_counts(capsys):
    model = Sequential([Dense(64, input_shape=(784,)), BatchNormalization(), Dense(10)])
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    rows = out.splitlines()
    dense = next(r for r in rows if r.startswith(" dense (Dense)"))
    assert dense.split() == ["dense", "(Dense)", "(None,", "64)", "50240"]
    assert "Total params: 51146 (199.79 KB)" in rows
    assert "Trainable params: 51018 (199.29 KB)" in rows
    assert "Non-trainable params: 128 (512.00 Byte)" in rows
    assert rows[1] == "_" * 65 and rows[3] == "=" * 65
