"""Callbacks inside a real fit: checkpoint file names, EarlyStopping stop and restore."""

import os

import numpy as np
import pytest

from scratchdl.keras.callbacks import Callback, EarlyStopping, ModelCheckpoint
from scratchdl.keras.layers import Dense
from scratchdl.keras.models import Sequential, load_model


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = Sequential([Dense(2, activation="softmax", input_shape=(4,))], seed=seed)
    model.compile("sgd", "sparse_categorical_crossentropy", ["accuracy"])
    return model, x, y


class ScriptedValLoss(Callback):
    """Overwrites ``val_loss`` with scripted values and records the weights per epoch."""

    def __init__(self, values):
        super().__init__()
        self.values, self.weights = values, []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]
        self.weights.append(self.model.get_weights())


def test_early_stopping_stop_epoch_and_best_weights(capsys):
    model, x, y = _setup()
    script = ScriptedValLoss([0.9, 0.7, 0.5, 0.6, 0.55, 0.52, 0.4, 0.3])
    es = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True, verbose=1)
    h = model.fit(x, y, epochs=8, batch_size=16, verbose=0, callbacks=[script, es])
    assert h.epoch == [0, 1, 2, 3, 4, 5]  # best at epoch 2, three epochs without gain
    assert es.stopped_epoch == 5
    for a, b in zip(model.get_weights(), script.weights[2]):
        np.testing.assert_array_equal(a, b)
    out = capsys.readouterr().out
    assert "Epoch 6: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 3." in out


def test_checkpoint_template_names_and_best_file(tmp_path):
    model, x, y = _setup(1)
    template = str(tmp_path / "dm_{epoch:02d}_{val_accuracy:0.2f}.hdf5")
    mc = ModelCheckpoint(template, monitor="val_accuracy", save_best_only=True)
    h = model.fit(x, y, epochs=6, batch_size=8, verbose=0, validation_split=0.25, callbacks=[mc])
    accs = h.history["val_accuracy"]
    expected, best = [], -np.inf
    for epoch, acc in enumerate(accs):
        if acc > best:
            best = acc
            expected.append(f"dm_{epoch + 1:02d}_{acc:0.2f}.hdf5")
    assert sorted(os.listdir(tmp_path)) == sorted(expected)
    best_model = load_model(tmp_path / expected[-1])
    assert best_model.evaluate(x[48:], y[48:], verbose=0, return_dict=True)[
        "accuracy"
    ] == pytest.approx(max(accs))
