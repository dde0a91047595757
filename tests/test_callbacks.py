"""Tests for scratchdl.models.callbacks: hooks, CallbackList, History, loggers.

Holds the fake model and the scripted fit loop the other test_callbacks_* files use:
the callbacks are tested against exactly the interface the model provides
(stop_training, get/set_weights, save, save_weights, optimizer.learning_rate,
metric_direction, get/set_training_state, fit_state), not against model.py.
"""

import csv
import math

import numpy as np
import pytest

from scratchdl.models import progress
from scratchdl.models.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    History,
    LambdaCallback,
    ProgbarLogger,
    TerminateOnNaN,
)
from scratchdl.models.fit_loop import FitState
from scratchdl.models.saving import save_npz_atomic


class FakeOptimizer:
    """Stores the learning rate as float32, as the real optimizers do."""

    def __init__(self, learning_rate=0.01):
        self._lr = np.float32(learning_rate)

    @property
    def learning_rate(self):
        return float(self._lr)

    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = np.float32(value)


class FakeModel:
    """The model interface the callbacks use, with a seeded random 'training step'."""

    def __init__(self, seed=0, lr=0.01, directions=None):
        self.stop_training = False
        self.history = None
        self.fit_state = FitState()
        self.optimizer = FakeOptimizer(lr)
        self.rng = np.random.default_rng(seed)
        self.weights = [self.rng.standard_normal(3), np.zeros(2)]
        self.m = np.zeros(3)  # an optimizer slot
        self.step = 0
        self.saved = []
        self.directions = {"accuracy": "up", "acc": "up", "mae": "down"}
        self.directions.update(directions or {})

    def train_batch(self):
        g = self.rng.standard_normal(3)
        self.m = 0.9 * self.m + g
        self.weights[0] = self.weights[0] - self.optimizer.learning_rate * self.m
        self.weights[1] = self.weights[1] + 1.0
        self.step += 1

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        save_npz_atomic(filepath, {"kind": "model"}, {"w0": self.weights[0]})
        self.saved.append(("model", filepath))

    def save_weights(self, filepath, overwrite=True):
        save_npz_atomic(filepath, {"kind": "weights"}, {"w0": self.weights[0]})
        self.saved.append(("weights", filepath))

    def metric_direction(self, name):
        return self.directions.get(name)

    def get_training_state(self):
        meta = {
            "step": self.step,
            "lr": self.optimizer.learning_rate,
            "rng": self.rng.bit_generator.state,
        }
        arrays = {"w/0": self.weights[0], "w/1": self.weights[1], "opt/m": self.m}
        return meta, arrays

    def set_training_state(self, meta, arrays):
        self.step = meta["step"]
        self.optimizer.learning_rate = meta["lr"]
        self.rng.bit_generator.state = meta["rng"]
        self.weights = [arrays["w/0"], arrays["w/1"]]
        self.m = arrays["opt/m"]


def fit(
    model,
    callbacks,
    epoch_logs,
    epochs=None,
    steps=2,
    verbose=0,
    batch_logs=None,
    crash_at_epoch=None,
):
    """A scripted fit loop with the lead's semantics; epoch_logs[e] are epoch e's logs.

    Returns the History. ``crash_at_epoch`` raises at that epoch's begin (a killed run:
    no on_train_end).
    """
    epochs = len(epoch_logs) if epochs is None else epochs
    history = History()
    cbs = CallbackList(list(callbacks) + [history])
    cbs.set_model(model)
    cbs.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
    model.stop_training = False
    model.fit_state = FitState(interrupted=model.fit_state.interrupted)
    cbs.on_train_begin()
    start = model.fit_state.resume_epoch or 0
    for epoch in range(start, epochs):
        if epoch == crash_at_epoch:
            raise RuntimeError(f"killed at epoch {epoch}")
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            model.train_batch()
            logs = dict(batch_logs(epoch, batch) if batch_logs else {"loss": 1.0})
            cbs.on_train_batch_end(batch, logs)
            if model.stop_training:
                break
        cbs.on_epoch_end(epoch, dict(epoch_logs[epoch]))
        if model.stop_training:
            break
    cbs.on_train_end()
    return history


TK_LOGS = {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.7}


# -- History ------------------------------------------------------------------------


def test_history_keeps_tk_key_order_and_python_floats():
    logs = [
        {"loss": np.float32(0.5), "acc": 0.8, "val_loss": 0.6, "val_acc": np.float64(0.7)},
        {"loss": 0.4, "acc": 0.85, "val_loss": 0.55, "val_acc": 0.75},
    ]
    model = FakeModel()
    history = fit(model, [], logs)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.history["val_acc"] == [0.7, 0.75]
    assert history.history["loss"] == [float(np.float32(0.5)), 0.4]
    assert all(type(v) is float for vals in history.history.values() for v in vals)
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert model.history is history and history.model is model


def test_callback_keys_come_after_and_reach_history():
    class AddLR(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["lr"] = 0.01

    history = fit(FakeModel(), [AddLR()], [TK_LOGS])
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"]


# -- Callback and CallbackList ---------------------------------------------------------


class Recorder(Callback):
    def __init__(self, name, calls):
        super().__init__()
        self.name, self.calls = name, calls

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append((self.name, epoch, dict(logs)))
        logs[self.name] = epoch


def test_dispatch_in_order_with_one_shared_logs_dict():
    calls = []
    cbs = CallbackList([Recorder("a", calls), Recorder("b", calls)])
    logs = {"loss": 1.0}
    cbs.on_epoch_end(3, logs)
    assert calls == [("a", 3, {"loss": 1.0}), ("b", 3, {"loss": 1.0, "a": 3})]
    assert logs == {"loss": 1.0, "a": 3, "b": 3}


def test_only_overriding_callbacks_are_dispatched():
    class Batchy(Callback):
        def on_batch_end(self, batch, logs=None):  # the tf.keras alias
            self.seen = batch

    plain, batchy = Callback(), Batchy()
    cbs = CallbackList([plain, batchy])
    assert not cbs.implements("on_train_batch_begin")
    assert cbs.implements("on_train_batch_end")
    assert not cbs.implements("on_test_batch_end")
    cbs.on_train_batch_end(4, {"loss": 1.0})
    assert batchy.seen == 4


def test_all_hooks_exist_and_accept_missing_logs():
    cb = Callback()
    cbs = CallbackList([cb, LambdaCallback()])
    for hook in (
        "on_train_begin",
        "on_train_end",
        "on_test_begin",
        "on_test_end",
        "on_predict_begin",
        "on_predict_end",
    ):
        getattr(cb, hook)()
        getattr(cbs, hook)()
    for hook in (
        "on_epoch_begin",
        "on_epoch_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_predict_batch_begin",
        "on_predict_batch_end",
        "on_batch_begin",
        "on_batch_end",
    ):
        getattr(cb, hook)(0)
        getattr(cbs, hook)(0)


def test_set_model_and_params_reach_every_callback():
    model, cbs = FakeModel(), CallbackList([Callback(), History()])
    cbs.set_model(model)
    cbs.set_params({"epochs": 3})
    late = Callback()
    cbs.append(late)
    assert all(cb.model is model and cb.params == {"epochs": 3} for cb in cbs)
    assert model.history is cbs.history and len(cbs) == 3


def test_default_callbacks_are_appended_after_user_callbacks():
    user = Callback()
    cbs = CallbackList([user], add_history=True, add_progbar=True)
    assert [type(cb) for cb in cbs] == [Callback, History, ProgbarLogger]


def test_class_instead_of_instance_is_a_clear_error():
    with pytest.raises(ValueError, match=r"received the class History \(write History\(...\)"):
        CallbackList([History])
    with pytest.raises(ValueError, match="received 'es'.*of type str"):
        CallbackList(["es"])


# -- LambdaCallback -------------------------------------------------------------------


def test_lambda_callback_calls_the_functions():
    seen = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: seen.append(("train_begin", logs)),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch, logs["loss"])),
        on_batch_end=lambda batch, logs: seen.append(("batch_end", batch)),
        on_train_batch_begin=lambda batch, logs: seen.append(("train_batch_begin", batch)),
    )
    fit(FakeModel(), [cb], [{"loss": 0.3}], steps=1)
    assert seen == [
        ("train_begin", {}),
        ("train_batch_begin", 0),
        ("batch_end", 0),
        ("epoch_end", 0, 0.3),
    ]


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(ValueError, match="'on_epoch_finish'; valid hooks: on_train_begin"):
        LambdaCallback(on_epoch_finish=print)
    with pytest.raises(ValueError, match="on_epoch_end must be callable or None, received 3"):
        LambdaCallback(on_epoch_end=3)


# -- TerminateOnNaN -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_terminate_on_nan_stops_after_the_batch(capsys, bad):
    model = FakeModel()

    def batch_logs(epoch, batch):
        return {"loss": bad if batch == 2 else 0.5}

    history = fit(model, [TerminateOnNaN()], [{"loss": 0.5}] * 3, steps=5, batch_logs=batch_logs)
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
    assert model.stop_training and history.epoch == [0] and model.step == 3


def test_terminate_on_nan_ignores_finite_losses_and_can_raise(capsys):
    model = FakeModel()
    history = fit(model, [TerminateOnNaN()], [{"loss": 0.5}] * 2, steps=3)
    assert history.epoch == [0, 1] and capsys.readouterr().out == ""
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(model)
    with pytest.raises(RuntimeError, match="batch 7: loss=nan"):
        cb.on_train_batch_end(7, {"loss": math.nan})


# -- CSVLogger ------------------------------------------------------------------------


def _read(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_csv_logger_sorted_keys_full_precision(tmp_path):
    path = tmp_path / "logs" / "training.csv"
    logs = [
        {"loss": 0.123456789012345, "accuracy": 0.5, "val_loss": 0.7, "val_accuracy": 0.25},
        {"loss": np.float32(0.1), "accuracy": 2 / 3, "val_loss": 1e-9, "val_accuracy": 0.5},
    ]
    fit(FakeModel(), [CSVLogger(path)], logs)
    assert _read(path) == [
        ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"],
        ["0", "0.5", "0.123456789012345", "0.25", "0.7"],
        ["1", repr(2 / 3), "0.1", "0.5", "1e-09"],
    ]
    row = _read(path)[2]
    assert float(row[1]) == 2 / 3 and np.float32(row[2]) == np.float32(0.1)  # exact


def test_csv_logger_fills_missing_validation_with_na(tmp_path):
    path = tmp_path / "t.csv"
    logs = [{"loss": 0.5, "acc": 0.8}, {"loss": 0.4, "acc": 0.9, "val_loss": 0.6, "val_acc": 0.7}]
    fit(FakeModel(), [CSVLogger(path)], logs)
    assert _read(path) == [
        ["epoch", "acc", "loss", "val_acc", "val_loss"],
        ["0", "0.8", "0.5", "NA", "NA"],
        ["1", "0.9", "0.4", "0.7", "0.6"],
    ]


def test_csv_logger_append_and_separator(tmp_path):
    path = tmp_path / "t.csv"
    fit(FakeModel(), [CSVLogger(path, separator=";")], [{"loss": 0.5, "val_loss": 0.6}])
    fit(
        FakeModel(), [CSVLogger(path, separator=";", append=True)], [{"loss": 0.4, "val_loss": 0.5}]
    )
    assert path.read_text() == "epoch;loss;val_loss\n0;0.5;0.6\n0;0.4;0.5\n"
    fit(FakeModel(), [CSVLogger(path)], [{"loss": 0.3, "val_loss": 0.2}])  # overwrite
    assert path.read_text() == "epoch,loss,val_loss\n0,0.3,0.2\n"


def test_csv_logger_file_is_readable_after_a_killed_run(tmp_path):
    path = tmp_path / "t.csv"
    logger = CSVLogger(path)
    with pytest.raises(RuntimeError, match="killed"):
        fit(FakeModel(), [logger], [{"loss": 0.5, "val_loss": 0.6}] * 5, crash_at_epoch=2)
    assert _read(path) == [["epoch", "loss", "val_loss"], ["0", "0.5", "0.6"], ["1", "0.5", "0.6"]]
    logger.on_train_end()


def test_csv_logger_warns_about_late_keys(tmp_path):
    path = tmp_path / "t.csv"
    with pytest.warns(UserWarning, match=r"keys \['lr'\] appeared after the first epoch"):
        fit(
            FakeModel(),
            [CSVLogger(path)],
            [{"loss": 0.5, "val_loss": 0.6}, {"loss": 0.4, "val_loss": 0.5, "lr": 0.1}],
        )
    assert _read(path)[2] == ["1", "0.4", "0.5"]


# -- ProgbarLogger --------------------------------------------------------------------


class FakeStream:
    def __init__(self, tty):
        self.tty, self.writes = tty, []

    def write(self, text):
        self.writes.append(text)

    def flush(self):
        pass

    def isatty(self):
        return self.tty


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(progress, "_now", lambda: 100.0)


TK_LINE = (
    "3/3 [==============================] - 0s 0s/step - loss: 0.5000 - accuracy: 0.8000"
    " - val_loss: 0.6000 - val_accuracy: 0.7000"
)


def test_progbar_logger_in_a_log_file(frozen_clock):
    stream = FakeStream(tty=False)
    fit(
        FakeModel(),
        [ProgbarLogger(stream=stream)],
        [TK_LOGS, TK_LOGS],
        steps=3,
        verbose=1,
        batch_logs=lambda e, b: {"loss": 0.5, "accuracy": 0.8},
    )
    assert "".join(stream.writes).splitlines() == ["Epoch 1/2", TK_LINE, "Epoch 2/2", TK_LINE]


def test_progbar_logger_on_a_terminal_redraws(frozen_clock):
    stream = FakeStream(tty=True)
    fit(
        FakeModel(),
        [ProgbarLogger(stream=stream)],
        [TK_LOGS],
        steps=3,
        verbose=1,
        batch_logs=lambda e, b: {"loss": 0.5, "accuracy": 0.8},
    )
    assert stream.writes[0].startswith("\r1/3 [=========>....................] - ETA: 0s")
    assert stream.writes[-1].rstrip(" \n") == "\r" + TK_LINE
    assert stream.writes[-1].endswith("\n")  # one epoch, so no "Epoch 1/1" header


def test_progbar_logger_verbose_2_and_0(frozen_clock):
    stream = FakeStream(tty=True)
    fit(FakeModel(), [ProgbarLogger(stream=stream)], [TK_LOGS] * 2, steps=3, verbose=2)
    line = "3/3 - 0s - loss: 0.5000 - accuracy: 0.8000 - val_loss: 0.6000 - val_accuracy: 0.7000"
    assert "".join(stream.writes).splitlines() == [
        "Epoch 1/2",
        line + " - 0s/epoch - 0s/step",
        "Epoch 2/2",
        line + " - 0s/epoch - 0s/step",
    ]
    quiet = FakeStream(tty=True)
    fit(FakeModel(), [ProgbarLogger(stream=quiet)], [TK_LOGS] * 2, steps=3, verbose=0)
    assert quiet.writes == []


def test_progbar_logger_evaluate_and_predict(frozen_clock):
    stream = FakeStream(tty=False)
    cb = ProgbarLogger(stream=stream)
    cb.set_params({"verbose": 1, "steps": 2})
    cb.on_test_begin()
    cb.on_test_batch_end(0, {"loss": 0.3})
    cb.on_test_batch_end(1, {"loss": 0.2})
    cb.on_test_end({"loss": 0.25, "accuracy": 0.9})
    cb.on_predict_begin()
    cb.on_predict_batch_end(0, {"outputs": None})
    cb.on_predict_end()
    assert "".join(stream.writes).splitlines() == [
        "2/2 [==============================] - 0s 0s/step - loss: 0.2500 - accuracy: 0.9000",
        "2/2 [==============================] - 0s 0s/step",
    ]
