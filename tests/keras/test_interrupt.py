"""Ctrl-C during fit, and BackupAndRestore after a SIGKILL (issue 4)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scratchdl.keras.callbacks import BackupAndRestore, Callback
from scratchdl.keras.layers import Dense, Dropout
from scratchdl.keras.models import Sequential
from scratchdl.models.fit_loop import InterruptGuard

RUNNER = Path(__file__).with_name("backup_run.py")


def _data(n=60):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def _model():
    layers = [Dense(8, activation="relu", input_shape=(4,)), Dropout(0.2), Dense(2, "softmax")]
    model = Sequential(layers, seed=5)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    return model


class CtrlC(Callback):
    """Sends SIGINT to this process after batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch, self.batches_after = (epoch, batch), 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGINT)
        elif (self.epoch, batch) > self.at:
            self.batches_after += 1


def test_ctrl_c_stops_after_the_current_batch(capsys):
    x, y = _data()
    model = _model()
    handler_before = signal.getsignal(signal.SIGINT)
    ctrl_c = CtrlC(epoch=1, batch=2)
    h = model.fit(x, y, epochs=5, batch_size=10, verbose=0, callbacks=[ctrl_c])
    assert ctrl_c.batches_after == 0  # no batch ran after the interrupted one
    assert model.optimizer.iterations == 6 + 3  # epoch 0 complete, then batches 0..2
    assert h.epoch == [0] and all(len(v) == 1 for v in h.history.values())
    assert model.fit_state.interrupted and model.history is h
    assert "Training interrupted (Ctrl-C) during epoch 2" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is handler_before
    assert model.predict(x, verbose=0).shape == (60, 2)  # the model stays usable
    h2 = model.fit(x, y, epochs=2, batch_size=10, verbose=0)
    assert h2.epoch == [0, 1] and not model.fit_state.interrupted


def test_second_ctrl_c_raises_keyboard_interrupt():
    guard = InterruptGuard()
    guard._handler(signal.SIGINT, None)
    assert guard.interrupted
    with pytest.raises(KeyboardInterrupt):
        guard._handler(signal.SIGINT, None)


def test_ctrl_c_keeps_the_backup_and_the_rerun_matches(tmp_path):
    x, y = _data()
    reference = _model()
    reference.fit(x, y, epochs=4, batch_size=10, verbose=0)

    model = _model()
    backup = BackupAndRestore(tmp_path / "backup")
    model.fit(x, y, epochs=4, batch_size=10, verbose=0, callbacks=[backup, CtrlC(2, 1)])
    assert (tmp_path / "backup" / "training_state.npz").exists()  # kept: interrupted
    rerun = _model()  # a new session: same seed, the backup restores the rest
    h = rerun.fit(x, y, epochs=4, batch_size=10, verbose=0, callbacks=[backup])
    assert h.epoch == [2, 3]
    assert not (tmp_path / "backup").exists()  # completed: backup deleted
    for a, b in zip(rerun.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)


def _run(backup_dir, out, pause=0.0):
    return subprocess.Popen(
        [sys.executable, str(RUNNER), str(backup_dir), str(out), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, OPENBLAS_NUM_THREADS="1"),
    )


def test_sigkill_mid_training_then_restart_equals_an_uninterrupted_run(tmp_path):
    proc = _run(tmp_path / "killed", tmp_path / "unused.npz", pause=0.01)
    for line in proc.stdout:
        if line.startswith("batch 3 4"):  # mid-epoch 3, after three backups
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "killed" / "training_state.npz").exists()

    restarted = _run(tmp_path / "killed", tmp_path / "restarted.npz")
    out_restarted = restarted.communicate(timeout=120)[0]
    straight = _run(tmp_path / "straight", tmp_path / "straight.npz")
    out_straight = straight.communicate(timeout=120)[0]
    assert restarted.returncode == 0 and straight.returncode == 0
    first = int(out_restarted.strip().splitlines()[-1].split()[-1])
    assert 3 <= first < 8  # resumed from a backup, not from scratch
    assert out_straight.strip().splitlines()[-1] == "first epoch 0"

    a, b = np.load(tmp_path / "restarted.npz"), np.load(tmp_path / "straight.npz")
    assert a.files == b.files and int(a["iterations"]) == 8 * 12
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])  # bit for bit
    assert not (tmp_path / "killed").exists() and not (tmp_path / "straight").exists()
