"""fit/evaluate/predict arguments that used to be accepted and ignored (docs/keras.md, fit).

The numbers are tf.keras 2.x's with NumPy arrays: one stream of passes over the data
for steps_per_epoch, batch_size = ceil(N / steps) without a batch size, the "ran out
of data" warning, validation_steps capping validation batches, validation_freq as an
int or list, evaluate/predict steps and callbacks, unknown keywords as TypeError.
"""

import numpy as np
import pytest

from scratchdl.layers import Dense
from scratchdl.models.callbacks import Callback
from scratchdl.models.sequential import Sequential
from scratchdl.optimizers import SGD


def _model():
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile(SGD(0.0), "mse")
    return model


def _record_batches(model):
    """The x values of every training batch, in order."""
    seen = []
    step = model._train_step

    def spy(xb, yb, swb):
        seen.append([int(v) for v in xb[:, 0]])
        return step(xb, yb, swb)

    model._train_step = spy
    return seen


def test_steps_per_epoch_continues_the_stream_across_epochs():
    model = _model()
    seen = _record_batches(model)
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    h = model.fit(x, x, batch_size=2, epochs=3, steps_per_epoch=3, shuffle=False, verbose=0)
    assert seen == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [0, 1], [2, 3], [4, 5], [6, 7]]
    assert h.params == {"verbose": 0, "epochs": 3, "steps": 3}


def test_running_out_of_data_warns_stops_and_records_the_partial_epoch():
    model = _model()
    seen = _record_batches(model)
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    with pytest.warns(UserWarning, match=r"ran out of data.*\(in this case, 21 batches\)"):
        h = model.fit(x, x, batch_size=2, epochs=3, steps_per_epoch=7, shuffle=False, verbose=0)
    assert len(seen) == 7 + 7 + 1  # 3 passes of 5 batches
    assert h.epoch == [0, 1, 2]


def test_steps_per_epoch_without_batch_size_sets_it_to_ceil_n_over_steps():
    model = _model()
    seen = _record_batches(model)
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    model.fit(x, x, epochs=1, steps_per_epoch=3, shuffle=False, verbose=0)
    assert [len(b) for b in seen] == [4, 4, 2]


class Hooks(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_test_begin(self, logs=None):
        self.calls.append("test_begin")

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_batch", batch, sorted(logs)))

    def on_test_end(self, logs=None):
        self.calls.append(("test_end", sorted(logs)))

    def on_predict_begin(self, logs=None):
        self.calls.append("predict_begin")

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict_batch", batch, logs["outputs"].shape))

    def on_predict_end(self, logs=None):
        self.calls.append("predict_end")

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end", sorted(logs)))


def test_validation_steps_and_test_hooks_during_fit():
    model = _model()
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    hooks = Hooks()
    model.fit(
        x, x, batch_size=5, epochs=1, validation_data=(x, x), validation_batch_size=2,
        validation_steps=3, callbacks=[hooks], verbose=0,
    )  # fmt: skip
    assert hooks.calls == [
        "test_begin",
        ("test_batch", 0, ["loss"]),
        ("test_batch", 1, ["loss"]),
        ("test_batch", 2, ["loss"]),
        ("test_end", ["loss"]),
        ("epoch_end", 0, ["loss", "val_loss"]),
        ("train_end", ["loss", "val_loss"]),
    ]


def test_validation_freq_int_and_list_and_tuple_refused():
    x = np.arange(8, dtype=np.float32).reshape(-1, 1)
    h = _model().fit(x, x, epochs=4, validation_data=(x, x), validation_freq=2, verbose=0)
    assert len(h.history["val_loss"]) == 2 and len(h.history["loss"]) == 4
    h = _model().fit(
        x, x, epochs=5, initial_epoch=1, validation_data=(x, x), validation_freq=[2, 4], verbose=0
    )
    assert h.epoch == [1, 2, 3, 4] and len(h.history["val_loss"]) == 2
    with pytest.raises(ValueError, match="Expected `validation_freq` to be a list or int"):
        _model().fit(x, x, validation_data=(x, x), validation_freq=(1, 2), verbose=0)


def test_evaluate_and_predict_steps_and_callbacks():
    model = _model()
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    hooks = Hooks()
    model.evaluate(x, x, batch_size=4, steps=2, callbacks=[hooks], verbose=0)
    assert hooks.calls == [
        "test_begin", ("test_batch", 0, ["loss"]), ("test_batch", 1, ["loss"]),
        ("test_end", ["loss"]),
    ]  # fmt: skip
    hooks.calls.clear()
    out = model.predict(x, batch_size=4, steps=2, callbacks=[hooks], verbose=0)
    assert out.shape == (8, 1)
    assert hooks.calls == [
        "predict_begin", ("predict_batch", 0, (4, 1)), ("predict_batch", 1, (4, 1)),
        "predict_end",
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_unknown_keywords_raise_type_error(method):
    model = _model()
    x = np.ones((4, 1), np.float32)
    args = (x,) if method == "predict" else (x, x)
    with pytest.raises(TypeError, match="unexpected keyword argument 'epochz'"):
        getattr(model, method)(*args, epochz=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps_per_epoch": 0}, "steps_per_epoch must be a positive integer or None"),
        ({"validation_steps": 1.5}, "validation_steps must be a positive integer"),
        ({"validation_freq": 0}, "validation_freq must be >= 1"),
    ],
)
def test_bad_step_counts_name_the_argument(kwargs, message):
    x = np.ones((4, 1), np.float32)
    with pytest.raises(ValueError, match=message):
        _model().fit(x, x, verbose=0, **kwargs)


def test_compile_refuses_loss_weights_it_cannot_honour():
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile("sgd", "mse", loss_weights=[1.0])  # neutral: fine
    with pytest.raises(ValueError, match=r"loss_weights=\[0.5\] is not supported"):
        model.compile("sgd", "mse", loss_weights=[0.5])


def test_keras_face_accepts_the_generator_only_arguments_and_predict_classes():
    from scratchdl.keras.layers import Dense as KerasDense
    from scratchdl.keras.models import Sequential as KerasSequential

    model = KerasSequential([KerasDense(2, activation="softmax", input_shape=(1,))], seed=0)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x = np.ones((4, 1), np.float32)
    model.fit(x, np.zeros(4), workers=2, use_multiprocessing=False, max_queue_size=3, verbose=0)
    with pytest.raises(TypeError, match="workers must be int"):
        model.fit(x, np.zeros(4), workers="2", verbose=0)
    assert model.optimizer.lr == 0.01  # compile("sgd") gives the face's optimizer
    with pytest.warns(FutureWarning, match="predict_classes"):
        assert model.predict_classes(x).shape == (4,)


def test_weighted_metrics_use_the_sample_weights_and_plain_ones_do_not():
    x = np.array([[0.0], [1.0], [2.0], [3.0]], np.float32)
    y = np.array([0, 1, 1, 0])
    model = Sequential([Dense(2, activation="softmax", input_shape=(1,))], seed=0)
    model.compile(SGD(0.0), "sparse_categorical_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])  # fmt: skip
    pred = model.predict(x, verbose=0).argmax(axis=1)
    hit = (pred == y).astype(float)
    assert 0 < hit.sum() < 4  # right and wrong answers: the two means differ
    w = np.array([1.0, 0.0, 3.0, 0.5])
    assert (hit * w).sum() / w.sum() != pytest.approx(hit.mean())
    h = model.fit(x, y, sample_weight=w, batch_size=4, epochs=1, verbose=0)
    assert h.history["accuracy"][0] == pytest.approx(hit.mean())
    assert h.history["weighted_accuracy"][0] == pytest.approx((hit * w).sum() / w.sum())
    logs = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    assert logs["weighted_accuracy"] == pytest.approx((hit * w).sum() / w.sum())


def test_input_dim_is_the_keras_faces_and_dtype_is_honoured_or_refused():
    from scratchdl.keras.layers import Dense as KerasDense

    model = Sequential([KerasDense(3, input_dim=4)], seed=0)
    assert model.input_shape == (None, 4)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        Dense(3, input_dim=4)  # the engine's layer takes input_shape only
    layer = Dense(2, dtype="float64")
    assert layer(np.ones((1, 3), np.float32)).dtype == np.float64  # its own dtype, not the input's
    with pytest.raises(ValueError, match="was given dtype=float64; model .* computes in float32"):
        Sequential([Dense(2, input_shape=(3,), dtype="float64")], seed=0)
