"""Saving during training: ModelCheckpoint (best/every model) and BackupAndRestore.

Both write scratchdl's native safe format (``scratchdl.models.saving``: one ``.npz`` with JSON
metadata, written to a temporary file and moved into place), whatever the file name
says, so a crash mid-save never destroys the previous file.
"""

from __future__ import annotations

import contextlib
import os
import warnings

from scratchdl.models.callbacks.base import Callback
from scratchdl.models.callbacks.monitor import check_mode, initial_best, resolve_direction
from scratchdl.models.saving import ModelFileError, load_npz_safe, save_npz_atomic

__all__ = ["BackupAndRestore", "ModelCheckpoint"]


def _check_save_freq(owner, save_freq, allow_false=False):
    if save_freq == "epoch" or (allow_false and save_freq is False):
        return save_freq
    if isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0:
        return save_freq
    extra = ", False" if allow_false else ""
    raise ValueError(
        f"Unrecognized save_freq for {owner}: {save_freq!r}. Expected 'epoch'"
        f"{extra} or a positive integer (a number of batches)"
    )


class ModelCheckpoint(Callback):
    """Save the model (or its weights) every epoch, every N batches, or when it improves.

    File names are formatted with ``filepath.format(epoch=epoch + 1, **logs)`` (plus
    ``batch=batch + 1`` when saving per batch), e.g. ``dm_{epoch:02d}_{val_accuracy:0.2f}
    .hdf5`` at epoch 0 with val_accuracy 0.6234 -> ``dm_01_0.62.hdf5``. A placeholder
    with no value raises KeyError naming it and the available keys. Parent directories
    are created.

    Args:
        filepath: template (str or PathLike). Any extension is accepted (tf.keras):
            ``.hdf5``, ``.h5``, ``.keras``, ``.npz`` or none; the file is always the
            native format, which ``load_model`` reads back.
        monitor: log key compared when ``save_best_only`` (default ``"val_loss"``).
        verbose: 1 prints the messages below (each after a newline, as tf.keras does).
        save_best_only: save only when ``monitor`` beats the best so far
            (``current > best`` for max, ``<`` for min).
        save_weights_only: call ``model.save_weights`` instead of ``model.save``.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a positive int number of batches.
        initial_value_threshold: the starting ``best`` (default -inf for max, +inf
            for min).

    Messages (tf.keras 2.x, the notes' version)::

        Epoch 1: val_accuracy improved from -inf to 0.62340, saving model to dm_01_0.62.hdf5
        Epoch 2: val_accuracy did not improve from 0.62340
        Epoch 3: saving model to m_03.h5                        (save_best_only=False)

    Convention: Keras 3 starts from ``None`` ("improved from None to ..."), adds a
    "finished saving model" line, saves even when the monitor is missing, and demands
    ``.keras``/``.h5`` (``.weights.h5`` for weights). Here, as in tf.keras, a missing
    monitor warns "Can save best model only with {monitor} available, skipping." and
    nothing is saved. tf.keras's deprecated ``period=N`` (save every N epochs) works.
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
        period: int | None = None,
    ) -> None:
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.save_freq = _check_save_freq("ModelCheckpoint", save_freq)
        if period is not None:
            warnings.warn(
                "`period` argument is deprecated. Please use `save_freq` to "
                "specify the frequency in number of batches seen.",
                DeprecationWarning,
                stacklevel=2,
            )
        self.period = 1 if period is None else int(period)
        self.mode = check_mode("ModelCheckpoint", mode)
        self.initial_value_threshold = initial_value_threshold
        self.direction = None
        self.best = None
        self._batches_seen = 0
        self._epochs_since_save = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._epochs_since_save += 1
        if self.save_freq == "epoch" and self._epochs_since_save >= self.period:
            self._epochs_since_save = 0
            self._save(epoch, None, logs)

    def format_filepath(
        self, epoch: int, batch: int | None = None, logs: dict[str, float] | None = None
    ) -> str:
        """The file name for 0-based ``epoch`` (and ``batch``) with these ``logs``."""
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as err:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: no '
                f"value for {{{err.args[0]}}}; available keys: {', '.join(fields)}"
            ) from None
        except (IndexError, ValueError) as err:
            raise ValueError(
                f'Failed to format this callback filepath: "{self.filepath}" '
                f"with {fields}. Reason: {err}"
            ) from None

    def _resolve(self):
        if self.direction is None:
            self.direction = resolve_direction(
                "ModelCheckpoint", self.monitor, self.mode, self.model
            )
        if self.best is None:
            threshold = self.initial_value_threshold
            self.best = initial_best(self.direction) if threshold is None else threshold

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self.format_filepath(epoch, batch, logs)
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available, skipping.", stacklevel=3
            )
            return
        self._resolve()
        better = current > self.best if self.direction == "max" else current < self.best
        if better:
            self._say(
                f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                f"to {current:.5f}, saving model to {filepath}"
            )
            self.best = current
            self._write(filepath)
        else:
            self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")

    def _say(self, message):
        if self.verbose > 0:
            print(message)

    def _write(self, filepath):
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                f"Please specify a non-directory filepath for "
                f"ModelCheckpoint. Filepath used is an existing "
                f"directory: {filepath}"
            )
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)


class BackupAndRestore(Callback):
    """Resume an interrupted ``fit`` exactly where its last backup left off.

    At each epoch end (or every ``save_freq`` batches) the callback writes
    ``model.get_training_state()`` (weights, optimizer state, RNG states) plus the
    epoch to ``{backup_dir}/training_state.npz``, atomically. At the next ``fit`` with
    the same callback directory, ``on_train_begin`` loads it, calls
    ``model.set_training_state`` and sets ``model.fit_state.resume_epoch``, so fit continues with
    the first unfinished epoch. With ``save_freq="epoch"`` the resumed run ends with the
    same weights as an uninterrupted one with the same seed; with a batch count the
    partly done epoch is redone from the mid-epoch state (as in Keras).

    When fit finishes normally (all epochs, or stopped by a callback such as
    EarlyStopping), the backup file is deleted if ``delete_checkpoint`` (and the
    directory too if it is then empty). It is kept when the run was interrupted
    (Ctrl-C: fit sets ``model.fit_state.interrupted``, or fewer epochs finished than asked).

    Args:
        backup_dir: directory for the backup (created if needed); use one per run.
        save_freq: ``"epoch"``, a positive int number of batches, or False (never save).
        delete_checkpoint: delete the backup after a completed fit.

    Convention: Keras keeps its backup as a TF checkpoint or ``.weights.h5`` plus JSON
    and deletes the whole ``backup_dir``; here it is one safe ``.npz`` and only our file
    is deleted.
    """

    FILENAME = "training_state.npz"

    def __init__(
        self,
        backup_dir: str | os.PathLike[str],
        save_freq: str | int | bool = "epoch",
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError(f"Empty `backup_dir` argument passed, received {backup_dir!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = _check_save_freq("BackupAndRestore", save_freq, allow_false=True)
        self.delete_checkpoint = delete_checkpoint
        self.path = os.path.join(self.backup_dir, self.FILENAME)
        self._current_epoch = 0
        self._last_finished = None
        self._batches_seen = 0

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self._last_finished = None
        self._batches_seen = 0
        if not os.path.exists(self.path):
            return
        meta, arrays = load_npz_safe(self.path)
        backup = meta.get("backup")
        if not isinstance(backup, dict) or "resume_epoch" not in backup or "model" not in meta:
            raise ModelFileError(
                f"{self.path}: not a BackupAndRestore backup (no 'backup' "
                "and 'model' entries in its metadata)"
            )
        self.model.set_training_state(meta["model"], arrays)
        self.model.fit_state.resume_epoch = int(backup["resume_epoch"])
        self._last_finished = self.model.fit_state.resume_epoch - 1

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        if self.save_freq in ("epoch", False):
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._backup(resume_epoch=self._current_epoch, batch=batch)

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._last_finished = epoch
        if self.save_freq == "epoch":
            self._backup(resume_epoch=epoch + 1, batch=None)

    def _backup(self, resume_epoch, batch):
        model_meta, arrays = self.model.get_training_state()
        meta = {"backup": {"resume_epoch": resume_epoch, "batch": batch}, "model": model_meta}
        save_npz_atomic(self.path, meta, arrays)

    def _completed(self):
        state = getattr(self.model, "fit_state", None)
        if state is not None and state.interrupted:
            return False
        if getattr(self.model, "stop_training", False):
            return True
        epochs = (self.params or {}).get("epochs")
        if epochs is None:
            return True
        return self._last_finished is not None and self._last_finished + 1 >= epochs

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if not (self.delete_checkpoint and self._completed()):
            return
        if os.path.exists(self.path):
            os.remove(self.path)
        with contextlib.suppress(OSError):  # not empty (user files) or gone: leave it
            os.rmdir(self.backup_dir)
