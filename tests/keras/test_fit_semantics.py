"""fit / evaluate / predict semantics of docs/keras-reference.md A3, through the Keras face."""

import numpy as np
import pytest

from scratchdl.keras.callbacks import Callback
from scratchdl.keras.layers import BatchNormalization, Dense
from scratchdl.keras.models import Sequential
from scratchdl.keras.optimizers import SGD


def _data(rng, n=10, d=3, classes=3):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, rng.integers(0, classes, n)


def _model(seed=0, d=3, classes=3, optimizer=None, metrics=("accuracy",)):
    model = Sequential([Dense(classes, activation="softmax", input_shape=(d,))], seed=seed)
    model.compile(
        optimizer=optimizer or SGD(0.1),
        loss="sparse_categorical_crossentropy",
        metrics=list(metrics) if metrics else None,
    )
    return model


def _spy_steps(model):
    """Record every training batch (x, y, sample weights, loss) without changing it."""
    seen = []
    step = model._train_step

    def spy(xb, yb, swb):
        loss, out = step(xb, yb, swb)
        seen.append((xb.copy(), yb.copy(), None if swb is None else swb.copy(), loss))
        return loss, out

    model._train_step = spy
    return seen


def _rows(x, xb):
    """Indices into x of the rows of the batch xb (rows of x are distinct)."""
    return [int(np.flatnonzero((x == row).all(axis=1))[0]) for row in xb]


def test_reshuffles_every_epoch_and_keeps_the_last_partial_batch(rng):
    x, y = _data(rng, n=10)
    model = _model()
    seen = _spy_steps(model)
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert [len(b[0]) for b in seen] == [4, 4, 2] * 3  # ceil(10/4) batches, last one kept
    orders = [sum((_rows(x, b[0]) for b in seen[i : i + 3]), []) for i in (0, 3, 6)]
    for order in orders:
        assert sorted(order) == list(range(10))  # each epoch: one full permutation
    assert len({tuple(o) for o in orders}) == 3  # a fresh permutation each epoch


def test_batches_from_any_memory_layout_are_the_same_rows(rng):
    """fit gathers into one reused buffer; the batches must not depend on x's layout."""
    x, y = _data(rng, n=10)
    runs = []
    for xs in (x, np.asfortranarray(x), np.repeat(x, 2, axis=1)[:, ::2]):
        model = _model(seed=5)
        seen = _spy_steps(model)
        model.fit(xs, y, epochs=2, batch_size=4, verbose=0)
        runs.append([b[0] for b in seen])
        assert [b.shape for b in runs[-1]] == [(4, 3), (4, 3), (2, 3)] * 2
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)


def test_shuffle_false_and_shuffle_batch(rng):
    x, y = _data(rng, n=10)
    model = _model()
    seen = _spy_steps(model)
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    assert sum((_rows(x, b[0]) for b in seen), []) == list(range(10))
    seen.clear()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle="batch")
    batches = [_rows(x, b[0]) for b in seen]
    chunks = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [sorted(b) for b in batches] == chunks * 2  # each batch is one chunk
    assert batches[:3] != chunks and batches[:3] != batches[3:]  # shuffled inside, anew


def test_train_loss_is_the_batch_size_weighted_running_mean(rng):
    x, y = _data(rng, n=10)
    model = _model()
    seen = _spy_steps(model)
    h = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    sizes = np.array([len(b[0]) for b in seen])
    losses = np.array([b[3] for b in seen])
    assert h.history["loss"][0] == pytest.approx(np.sum(sizes * losses) / 10, rel=1e-12)
    assert h.history["loss"][0] != pytest.approx(np.mean(losses), rel=1e-6)


def test_history_keys_follow_tf_keras_order(rng):
    x, y = _data(rng, n=20)
    model = _model(metrics=["acc", "sparse_categorical_accuracy"])
    h = model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y))
    assert list(h.history) == [
        "loss",
        "acc",
        "sparse_categorical_accuracy",
        "val_loss",
        "val_acc",
        "val_sparse_categorical_accuracy",
    ]
    assert model.metrics_names == ["loss", "acc", "sparse_categorical_accuracy"]
    assert _model().metrics_names == []  # tf.keras: empty before the first fit/evaluate


def test_validation_data_overrides_validation_split(rng):
    x, y = _data(rng, n=20)
    xv, yv = _data(rng, n=6)
    model = _model()
    seen = _spy_steps(model)
    calls = []
    original = model._evaluate_arrays
    model._evaluate_arrays = lambda a, *rest: calls.append(a.copy()) or original(a, *rest)
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.5, validation_data=(xv, yv))
    assert len(seen[0][0]) == 20  # nothing split off
    np.testing.assert_array_equal(calls[0], xv)


def test_initial_epoch_counts_from_there(rng, capsys):
    x, y = _data(rng, n=10)
    model = _model()
    h = model.fit(x, y, epochs=5, initial_epoch=3, batch_size=4, verbose=1)
    assert h.epoch == [3, 4] and len(h.history["loss"]) == 2
    assert model.optimizer.iterations == 2 * 3
    out = capsys.readouterr().out
    assert "Epoch 4/5" in out and "Epoch 5/5" in out and "Epoch 3/5" not in out


def test_class_weight_equals_the_matching_sample_weight(rng):
    x, y = _data(rng, n=12)
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    runs = []
    for kw in ({"class_weight": weights}, {"sample_weight": np.array([weights[k] for k in y])}):
        model = _model(seed=4)
        h = model.fit(x, y, epochs=2, batch_size=5, verbose=0, **kw)
        runs.append((h.history, model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_sample_weight_reduction_is_sum_over_batch_size(rng):
    x, y = _data(rng, n=8)
    sw = rng.random(8) * 3
    model = _model(optimizer=SGD(0.0))  # lr 0: weights stay fixed
    h = model.fit(x, y, sample_weight=sw, epochs=1, batch_size=8, verbose=0, shuffle=False)
    p = model.predict(x, verbose=0).astype(np.float64)
    per_sample = -np.log(np.clip(p[np.arange(8), y], 1e-7, 1))
    assert h.history["loss"][0] == pytest.approx(np.sum(sw * per_sample) / 8, rel=1e-5)
    weighted = model.evaluate(x, y, sample_weight=sw, verbose=0)[0]
    assert weighted == pytest.approx(np.sum(sw * per_sample) / 8, rel=1e-5)


class _Printer(Callback):
    def on_epoch_end(self, epoch, logs=None):
        print(f"user callback epoch {epoch}")


@pytest.mark.parametrize("verbose", [0, 1, 2, "auto"])
def test_verbose_modes(rng, capsys, verbose):
    x, y = _data(rng, n=10)
    _model().fit(x, y, epochs=2, batch_size=4, verbose=verbose, callbacks=[_Printer()])
    out = capsys.readouterr().out
    if verbose == 0:
        assert out == "user callback epoch 0\nuser callback epoch 1\n"
        return
    lines = [ln.rstrip() for ln in out.splitlines() if ln.strip()]
    assert lines[0] == "Epoch 1/2" and lines[1] == "user callback epoch 0"  # bar comes last
    epoch_line = lines[2]
    if verbose == 2:
        assert epoch_line.startswith("3/3 - ") and "- loss: " in epoch_line
    else:
        assert epoch_line.startswith("3/3 [==============================] - ")
    assert "- accuracy: " in epoch_line


def test_no_epoch_header_for_a_single_epoch(rng, capsys):
    x, y = _data(rng, n=10)
    _model().fit(x, y, epochs=1, verbose=1)
    assert "Epoch 1/1" not in capsys.readouterr().out


def test_evaluate_forms_and_printed_line(rng, capsys):
    x, y = _data(rng, n=40)
    model = _model(metrics=["acc", "sparse_categorical_accuracy"])
    values = model.evaluate(x, y)
    line = capsys.readouterr().out.strip()
    assert line.startswith("2/2 [==============================] - ")
    assert f"- loss: {values[0]:.4f} - acc: {values[1]:.4f}" in line
    assert isinstance(values, list) and len(values) == 3
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert d == dict(zip(["loss", "acc", "sparse_categorical_accuracy"], values))
    scalar = _model(metrics=None).evaluate(x, y, verbose=0)
    assert isinstance(scalar, float)


def test_predict_runs_in_batches_of_32_by_default(rng):
    x, y = _data(rng, n=70)
    model = _model()
    sizes = []
    forward = model._forward
    model._forward = lambda xb, training: sizes.append(len(xb)) or forward(xb, training)
    out = model.predict(x, verbose=0)
    assert sizes == [32, 32, 6] and out.shape == (70, 3) and out.dtype == np.float32
    sizes.clear()
    np.testing.assert_array_equal(model.predict(x, batch_size=50, verbose=0), out)
    assert sizes == [50, 20]


def test_get_set_weights_and_count_params():
    model = Sequential([Dense(4, input_shape=(3,)), BatchNormalization(), Dense(2)], seed=0)
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4,), (4,), (4,), (4,), (4, 2), (2,)]
    assert model.count_params() == 16 + 4 * 4 + 10  # BN: 2C trainable + 2C moving stats
    new = [np.full(s, i, np.float32) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    assert model.layers[0].params["kernel"][0, 0] == 0 and model.store.data[-1] == 7
    with pytest.raises(ValueError, match="expects 8 weight arrays, received 7"):
        model.set_weights(new[:-1])
