"""ModelCheckpoint file names and messages; BackupAndRestore resume round trip."""

import os

import numpy as np
import pytest

from scratchdl.models.callbacks import BackupAndRestore, EarlyStopping, ModelCheckpoint
from scratchdl.models.saving import ModelFileError, load_npz_safe, save_npz_atomic
from tests.test_callbacks import FakeModel, fit

SEED_TEMPLATE = "dm_{epoch:02d}_{val_accuracy:0.2f}.hdf5"


def _val_acc_logs(values):
    return [{"loss": 1.0, "accuracy": 0.9, "val_loss": 1.0, "val_accuracy": v} for v in values]


# -- file names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "epoch", "logs", "name"),
    [
        (SEED_TEMPLATE, 0, {"val_accuracy": 0.6234}, "dm_01_0.62.hdf5"),
        (SEED_TEMPLATE, 18, {"val_accuracy": 0.9712}, "dm_19_0.97.hdf5"),
        ("m-{epoch:02d}-{val_accuracy:.2f}.keras", 0, {"val_accuracy": 0.625}, "m-01-0.62.keras"),
        ("w_{epoch}_{val_loss:.4f}.h5", 9, {"val_loss": 0.123456}, "w_10_0.1235.h5"),
        ("best_model.h5", 3, {}, "best_model.h5"),
    ],
)
def test_filepath_from_template(template, epoch, logs, name):
    assert ModelCheckpoint(template).format_filepath(epoch, logs=logs) == name


def test_filepath_with_batch_and_pathlike(tmp_path):
    cb = ModelCheckpoint(tmp_path / "m_{epoch}_{batch}.npz")
    assert cb.format_filepath(1, batch=4, logs={}) == str(tmp_path / "m_2_5.npz")


def test_missing_key_names_it_and_the_available_keys():
    cb = ModelCheckpoint("dm_{epoch:02d}_{val_acc:0.2f}.hdf5")
    with pytest.raises(
        KeyError,
        match=r"no value for \{val_acc\}; available keys: loss, "
        r"accuracy, val_loss, val_accuracy, epoch",
    ):
        cb.format_filepath(0, logs=_val_acc_logs([0.5])[0])


def test_bad_format_spec_is_a_value_error():
    with pytest.raises(ValueError, match=r"Failed to format.*Unknown format code 'd'"):
        ModelCheckpoint("m_{val_accuracy:02d}.h5").format_filepath(0, logs={"val_accuracy": 0.5})


# -- saving ---------------------------------------------------------------------------


def test_seed_notes_save_best_only_val_accuracy(tmp_path, capsys):
    """The notes' ModelCheckpoint(model_path, verbose=1, save_best_only=True, monitor=...)."""
    template = str(tmp_path / "best_model" / SEED_TEMPLATE)
    model = FakeModel()
    cb = ModelCheckpoint(filepath=template, verbose=1, save_best_only=True, monitor="val_accuracy")
    fit(model, [cb], _val_acc_logs([0.6234, 0.6, 0.7049]))
    first, third = (
        str(tmp_path / "best_model" / n) for n in ("dm_01_0.62.hdf5", "dm_03_0.70.hdf5")
    )
    assert sorted(os.listdir(tmp_path / "best_model")) == ["dm_01_0.62.hdf5", "dm_03_0.70.hdf5"]
    assert model.saved == [("model", first), ("model", third)]
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_accuracy improved from -inf to 0.62340, saving model to {first}\n"
        "\nEpoch 2: val_accuracy did not improve from 0.62340\n"
        f"\nEpoch 3: val_accuracy improved from 0.62340 to 0.70490, saving model to {third}\n"
    )
    assert load_npz_safe(third)[0] == {"kind": "model"}


def test_val_loss_min_mode_message(tmp_path, capsys):
    model = FakeModel()
    path = str(tmp_path / "best.h5")
    cb = ModelCheckpoint(path, verbose=1, save_best_only=True)  # monitor val_loss
    fit(model, [cb], [{"loss": 1.0, "val_loss": 0.5}, {"loss": 1.0, "val_loss": 0.5}])
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from inf to 0.50000, saving model to {path}\n"
        "\nEpoch 2: val_loss did not improve from 0.50000\n"  # equal is not better
    )
    assert len(model.saved) == 1


def test_every_epoch_and_weights_only(tmp_path, capsys):
    model = FakeModel()
    cb = ModelCheckpoint(str(tmp_path / "w_{epoch:02d}.weights"), verbose=1, save_weights_only=True)
    fit(model, [cb], _val_acc_logs([0.5, 0.4]))
    names = [str(tmp_path / "w_01.weights"), str(tmp_path / "w_02.weights")]
    assert model.saved == [("weights", names[0]), ("weights", names[1])]
    assert capsys.readouterr().out == "".join(
        f"\nEpoch {i + 1}: saving model to {n}\n" for i, n in enumerate(names)
    )


def test_mode_auto_on_a_metric_and_explicit_modes(tmp_path):
    def saved_epochs(**kwargs):
        model = FakeModel()
        cb = ModelCheckpoint(str(tmp_path / "m_{epoch}.h5"), save_best_only=True, **kwargs)
        fit(model, [cb], [{"loss": 1.0, "val_mae": v} for v in [0.5, 0.4, 0.6, 0.3]])
        return [os.path.basename(p) for _, p in model.saved]

    assert saved_epochs(monitor="val_mae") == ["m_1.h5", "m_2.h5", "m_4.h5"]  # "down": min
    assert saved_epochs(monitor="val_mae", mode="max") == ["m_1.h5", "m_3.h5"]
    unknown = ModelCheckpoint(str(tmp_path / "x.h5"), monitor="val_f1", save_best_only=True)
    with pytest.raises(ValueError, match="monitor='val_f1'.*mode='max'"):
        fit(FakeModel(), [unknown], [{"val_f1": 0.5}])


def test_initial_value_threshold(tmp_path, capsys):
    model = FakeModel()
    cb = ModelCheckpoint(
        str(tmp_path / "m.h5"),
        monitor="val_accuracy",
        verbose=1,
        save_best_only=True,
        initial_value_threshold=0.65,
    )
    fit(model, [cb], _val_acc_logs([0.62, 0.7]))
    assert capsys.readouterr().out.startswith(
        "\nEpoch 1: val_accuracy did not improve from 0.65000\n"
        "\nEpoch 2: val_accuracy improved from 0.65000 to 0.70000"
    )
    assert len(model.saved) == 1


def test_missing_monitor_skips_with_a_warning(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(str(tmp_path / "m.h5"), monitor="val_accuracy", save_best_only=True)
    with pytest.warns(
        UserWarning, match="Can save best model only with val_accuracy available, skipping."
    ):
        fit(model, [cb], [{"loss": 1.0}])
    assert model.saved == [] and os.listdir(tmp_path) == []


def test_save_freq_in_batches_counts_across_epochs(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(str(tmp_path / "m_{epoch}_{batch}.npz"), save_freq=2)
    fit(model, [cb], [{"loss": 1.0}] * 2, steps=5)
    names = [os.path.basename(p) for _, p in model.saved]
    assert names == ["m_1_2.npz", "m_1_4.npz", "m_2_1.npz", "m_2_3.npz", "m_2_5.npz"]


def test_deprecated_period(tmp_path):
    model = FakeModel()
    with pytest.warns(DeprecationWarning, match="`period` argument is deprecated"):
        cb = ModelCheckpoint(str(tmp_path / "m_{epoch}.h5"), period=2)
    fit(model, [cb], [{"loss": 1.0}] * 5)
    assert [os.path.basename(p) for _, p in model.saved] == ["m_2.h5", "m_4.h5"]


def test_existing_directory_as_filepath(tmp_path):
    (tmp_path / "m.h5").mkdir()
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        fit(FakeModel(), [ModelCheckpoint(str(tmp_path / "m.h5"))], [{"loss": 1.0}])


@pytest.mark.parametrize("bad", ["batch", 0, -3, 1.5, True])
def test_bad_save_freq(bad):
    with pytest.raises(ValueError, match=f"Unrecognized save_freq for ModelCheckpoint: {bad!r}"):
        ModelCheckpoint("m.h5", save_freq=bad)


def test_unknown_mode_warns():
    with pytest.warns(UserWarning, match="ModelCheckpoint mode big is unknown, fallback to auto"):
        ModelCheckpoint("m.h5", mode="big")


def test_checkpoint_with_early_stopping_seed_notes(tmp_path, capsys):
    values = [0.80, 0.85, 0.84, 0.83, 0.86, 0.82, 0.81, 0.80]
    model = FakeModel()
    mc = ModelCheckpoint(
        str(tmp_path / SEED_TEMPLATE), verbose=0, save_best_only=True, monitor="val_accuracy"
    )
    es = EarlyStopping(monitor="val_accuracy", verbose=1, patience=3)
    history = fit(model, [mc, es], _val_acc_logs(values), epochs=1000)
    assert history.epoch == [0, 1, 2, 3, 4, 5, 6, 7]
    assert sorted(os.listdir(tmp_path)) == ["dm_01_0.80.hdf5", "dm_02_0.85.hdf5", "dm_05_0.86.hdf5"]
    assert capsys.readouterr().out == "Epoch 8: early stopping\n"


# -- BackupAndRestore -----------------------------------------------------------------


LOGS6 = [{"loss": 1.0 / (e + 1)} for e in range(6)]


def test_resume_after_a_kill_matches_an_uninterrupted_run(tmp_path):
    reference = FakeModel(seed=7)
    fit(reference, [], LOGS6, steps=3)

    backup_dir = tmp_path / "backup"
    first = FakeModel(seed=7)
    with pytest.raises(RuntimeError, match="killed at epoch 3"):
        fit(first, [BackupAndRestore(backup_dir)], LOGS6, steps=3, crash_at_epoch=3)
    meta, _ = load_npz_safe(backup_dir / "training_state.npz")
    assert meta["backup"] == {"resume_epoch": 3, "batch": None}

    second = FakeModel(seed=123)  # a fresh process: other initial weights and RNG
    history = fit(second, [BackupAndRestore(backup_dir)], LOGS6, steps=3)
    assert history.epoch == [3, 4, 5] and history.history["loss"] == [0.25, 0.2, 1 / 6]
    for got, want in zip(second.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(second.m, reference.m)
    assert second.step == reference.step == 18
    assert not backup_dir.exists()  # deleted after the completed run


def test_backup_kept_when_asked_or_interrupted(tmp_path):
    keep = tmp_path / "keep"
    fit(FakeModel(), [BackupAndRestore(keep, delete_checkpoint=False)], LOGS6[:2])
    assert load_npz_safe(keep / "training_state.npz")[0]["backup"]["resume_epoch"] == 2

    # Ctrl-C: fit breaks out of epoch 1 and still calls on_train_end
    for flagged in (True, False):
        backup_dir = tmp_path / f"ctrl_c_{flagged}"
        model, cb = FakeModel(), BackupAndRestore(backup_dir)
        cb.set_model(model)
        cb.set_params({"epochs": 5, "steps": 2, "verbose": 0})
        cb.on_train_begin()
        cb.on_epoch_begin(0)
        cb.on_epoch_end(0, {"loss": 1.0})
        cb.on_epoch_begin(1)
        model.fit_state.interrupted = flagged
        cb.on_train_end()
        assert (backup_dir / "training_state.npz").exists()  # 1 of 5 epochs finished

    model = FakeModel()
    model.fit_state.interrupted = True  # even after the last epoch, a flagged interrupt keeps it
    fit(model, [BackupAndRestore(tmp_path / "flag")], LOGS6[:2])
    assert (tmp_path / "flag" / "training_state.npz").exists()


def test_backup_deleted_after_early_stopping_and_user_files_kept(tmp_path):
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    (backup_dir / "notes.txt").write_text("mine")
    es = EarlyStopping(monitor="loss", patience=0)
    fit(FakeModel(), [BackupAndRestore(backup_dir), es], [{"loss": 1.0}] * 5)
    assert os.listdir(backup_dir) == ["notes.txt"]


def test_resume_of_a_finished_run_runs_nothing_and_cleans_up(tmp_path):
    backup_dir = tmp_path / "b"
    model = FakeModel()
    fit(model, [BackupAndRestore(backup_dir, delete_checkpoint=False)], LOGS6[:3])
    history = fit(FakeModel(), [BackupAndRestore(backup_dir)], LOGS6[:3])
    assert history.epoch == [] and not backup_dir.exists()


def test_batch_backups_redo_the_unfinished_epoch(tmp_path):
    backup_dir = tmp_path / "b"
    with pytest.raises(RuntimeError):
        fit(
            FakeModel(),
            [BackupAndRestore(backup_dir, save_freq=4)],
            LOGS6,
            steps=3,
            crash_at_epoch=2,
        )
    meta, arrays = load_npz_safe(backup_dir / "training_state.npz")
    assert meta["backup"] == {"resume_epoch": 1, "batch": 0} and meta["model"]["step"] == 4
    history = fit(FakeModel(), [BackupAndRestore(backup_dir)], LOGS6, steps=3)
    assert history.epoch == [1, 2, 3, 4, 5]


def test_backup_arguments_and_foreign_file(tmp_path):
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed, received ''"):
        BackupAndRestore("")
    with pytest.raises(
        ValueError,
        match="Unrecognized save_freq for BackupAndRestore: 'batch'. "
        "Expected 'epoch', False or a positive integer",
    ):
        BackupAndRestore(tmp_path, save_freq="batch")
    never = tmp_path / "never"
    fit(FakeModel(), [BackupAndRestore(never, save_freq=False)], LOGS6[:2])
    assert not never.exists()
    save_npz_atomic(tmp_path / "f" / "training_state.npz", {"other": 1}, {})
    with pytest.raises(ModelFileError, match="not a BackupAndRestore backup"):
        fit(FakeModel(), [BackupAndRestore(tmp_path / "f")], LOGS6[:2])
