"""early-stopping: ModelCheckpoint + EarlyStopping, then the best model reloaded and evaluated.

Setup (seed 002, Keras): InputLayer(28x28) -> Flatten -> Dense 64-128-256-128-64 (ReLU) ->
Dense(10, softmax), 'Adam', ``sparse_categorical_crossentropy``, raw pixels 0..255,
``fit(validation_split=0.2, epochs=1000, batch_size=128, callbacks=[mc1, es1])`` with

    mc1 = ModelCheckpoint('.../best_model/dm_{epoch:02d}_{val_accuracy:0.2f}.hdf5',
                          verbose=1, save_best_only=True, monitor='val_accuracy')
    es1 = EarlyStopping(monitor='val_accuracy', verbose=1, patience=10)

then ``load_model('.../dm_19_0.97.hdf5')`` and ``evaluate(X_test, y_test)``.  Published: the
best model is the file of epoch 19 with val_accuracy 0.97, so training stopped at epoch 29.
The checkpoints go to ``<out>/checkpoints/`` (the native format under the Keras names).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scratchdl.lab.experiments.common import (
    Result,
    Timer,
    TrainTest,
    check_row,
    child_seed,
    info_row,
    load_images,
    new_result,
    progress,
)
from scratchdl.lab.experiments.report import write_report

NAME = "early-stopping"
TITLE = "Early stopping: ModelCheckpoint + EarlyStopping, best model reloaded"

PATTERN = "dm_{epoch:02d}_{val_accuracy:0.2f}.hdf5"


@dataclass(frozen=True)
class Config:
    """The seed's fit: epochs (the ceiling), batch_size, patience, validation_split,
    n_train/n_test, raw_pixels; checkpoint_dir (None: ``<out>/checkpoints``, not recorded)."""

    units: tuple[int, ...] = (64, 128, 256, 128, 64)
    epochs: int = 1000
    batch_size: int = 128
    patience: int = 10
    validation_split: float = 0.2
    n_train: int | None = None
    n_test: int | None = None
    raw_pixels: bool = True
    dataset: str = "mnist"
    checkpoint_dir: str | None = None

    def quick(self) -> Config:
        return dataclasses.replace(self, epochs=8, patience=2, n_train=6000, n_test=2000)


def _clean(directory: Path) -> None:
    """Remove the checkpoints of an earlier run (only files this experiment writes)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("dm_*.hdf5"):
        old.unlink()


def fit_with_callbacks(
    config: Config, data: TrainTest, directory: Path, rng: np.random.Generator
) -> dict:
    """The seed's fit with ModelCheckpoint and EarlyStopping; returns History.history."""
    from scratchdl.keras.callbacks import EarlyStopping, ModelCheckpoint
    from scratchdl.lab.experiments.activations_optimizers import keras_model

    (x, y), _ = data
    model = keras_model(config.units, "relu", "Adam", None, child_seed(rng))
    mc = ModelCheckpoint(str(directory / PATTERN), verbose=1, save_best_only=True,
                         monitor="val_accuracy")  # fmt: skip
    es = EarlyStopping(monitor="val_accuracy", verbose=1, patience=config.patience)
    with np.errstate(all="ignore"):
        return model.fit(
            x, y, validation_split=config.validation_split, epochs=config.epochs,
            batch_size=config.batch_size, callbacks=[mc, es], verbose=0,
        ).history  # fmt: skip


def evaluate_file(config: Config, data: TrainTest, path: Path) -> tuple[float, float]:
    """``load_model(path)``: accuracy on the validation split (the last 20 %) and the test set."""
    from scratchdl.keras.models import load_model

    (x, y), (xt, yt) = data
    best = load_model(str(path))
    n_val = int(len(x) * config.validation_split)
    with np.errstate(all="ignore"):
        val = best.evaluate(x[len(x) - n_val :], y[len(y) - n_val :],
                            batch_size=config.batch_size, verbose=0)[1]  # fmt: skip
        test = best.evaluate(xt, yt, verbose=0)[1]
    return float(val), float(test)


def run(config: Config, rng: np.random.Generator) -> Result:
    """Fit with both callbacks, reload the best checkpoint, evaluate it."""
    data = load_images(config.dataset, not config.raw_pixels, config.n_train, config.n_test)
    directory = Path(config.checkpoint_dir or tempfile.mkdtemp(prefix="scratchdl-es-"))
    _clean(directory)
    with Timer() as timer:
        history = fit_with_callbacks(config, data, directory, rng)
    files = sorted(p.name for p in directory.glob("dm_*.hdf5"))
    progress(NAME, f"stopped after {len(history['loss'])} epochs, {len(files)} checkpoints "
                   f"({timer.seconds:.1f} s)")  # fmt: skip
    val = history["val_accuracy"]
    best_epoch = int(np.argmax(val)) + 1
    best_file = PATTERN.format(epoch=best_epoch, val_accuracy=val[best_epoch - 1])
    reload_val, reload_test = evaluate_file(config, data, directory / best_file)
    progress(NAME, f"reloaded {best_file}: val acc {reload_val:.4f}, test acc {reload_test:.4f}")
    data = {"history": history, "files": files, "best_file": best_file,
            "best_epoch": best_epoch, "stopped_epoch": len(history["loss"]),
            "reloaded_val_acc": reload_val, "reloaded_test_acc": reload_test}  # fmt: skip
    rows = _rows(config, data, val)
    return new_result(NAME, config, rows, data, exclude=("checkpoint_dir",))


def _rows(config, data, val) -> list:
    best_val = val[data["best_epoch"] - 1]
    stop, best = data["stopped_epoch"], data["best_epoch"]
    expected_stop = min(best + config.patience, config.epochs)
    return [
        info_row("best epoch", best, "19 (seed 002: dm_19_0.97.hdf5)"),
        check_row("best val accuracy", "0.97 (seed 002)", best_val, "within 0.02",
                  abs(best_val - 0.97) <= 0.02),
        check_row("stopping epoch", "29 = best + patience (implied)", stop,
                  f"= best + {config.patience} (or the epoch limit)", stop == expected_stop),
        info_row("best checkpoint file", data["best_file"], "dm_19_0.97.hdf5 (seed 002)"),
        info_row("checkpoint files written", len(data["files"])),
        check_row("reloaded best model: val accuracy", f"{best_val:.4f} (at its epoch)",
                  data["reloaded_val_acc"], "same within 1e-4",
                  abs(data["reloaded_val_acc"] - best_val) <= 1e-4),
        info_row("reloaded best model: test accuracy", data["reloaded_test_acc"],
                 "high (seed 002, no number)"),
    ]  # fmt: skip


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """curves.png: train/val accuracy and loss, best epoch and stop marked."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    h, best = result.data["history"], result.data["best_epoch"]
    epochs = list(range(1, len(h["loss"]) + 1))
    panels = []
    for key in ("accuracy", "loss"):
        ys = [v for v in h[key] + h["val_" + key] if isinstance(v, float)]
        marker = [min(ys), max(ys)] if ys else [0, 1]
        panels.append({"title": f"{key} (best epoch {best})", "xlabel": "epoch", "lines": [
            {"x": epochs, "y": h[key], "label": "train"},
            {"x": epochs, "y": h["val_" + key], "label": "validation", "style": "--"},
            {"x": [best, best], "y": marker, "label": "best checkpoint", "style": ":"},
        ]})  # fmt: skip
    figures = [plot_lines(out / "curves.png", panels, ncols=2)]
    return write_report(result, out, TITLE, figures)
