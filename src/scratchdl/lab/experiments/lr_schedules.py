"""lr-schedules: constant vs ExponentialDecay vs CosineDecay vs CosineDecayRestarts.

Setup (seed 001, Keras): ``optimizer=tf.keras.optimizers.Adam(learning_rate=lr_schedule)``,
``loss='sparse_categorical_crossentropy'``, with

    ExponentialDecay(initial_learning_rate=1e-2, decay_steps=10000, decay_rate=0.9)
    CosineDecay: decayed = (1 - alpha) * 0.5 * (1 + cos(pi * min(step, D) / D)) + alpha
    CosineDecayRestarts(initial_learning_rate=0.01, first_decay_steps=1000)

against a constant 0.01.  The note gives the schedules, not a model or an accuracy, so the
model here is ours: Flatten -> Dense(100, relu) -> Dense(10, softmax) on pixels / 255, batch
32, 10 epochs, test set as validation data, CosineDecay over the whole run.  What can be
checked against the note is the schedules themselves: the learning rate the optimizer used
at every step is compared with the note's formulas (and Keras's SGDR formula, keras.md A8).
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scratchdl.lab.experiments.common import (
    Result,
    TrainTest,
    check_row,
    child_seed,
    info_row,
    load_images,
    new_result,
    timed_runs,
)
from scratchdl.lab.experiments.recipes import fit_on_test, keras_classifier
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:  # annotations only
    from scratchdl.schedules import LearningRateSchedule

NAME = "lr-schedules"
TITLE = "Learning-rate schedules: constant, exponential, cosine, cosine with restarts"

SCHEDULES = ("constant", "exponential", "cosine", "cosine_restarts")


@dataclass(frozen=True)
class Config:
    """The model (hidden units), epochs, batch_size, n_train/n_test, lr0 and the schedules'
    settings (exp_decay_steps, exp_decay_rate, restart_steps); curve_every: record every
    curve_every-th step of the learning-rate curves in result.json."""

    hidden: int = 100
    epochs: int = 10
    batch_size: int = 32
    n_train: int | None = None
    n_test: int | None = None
    lr0: float = 0.01
    exp_decay_steps: int = 10000
    exp_decay_rate: float = 0.9
    restart_steps: int = 1000
    curve_every: int = 50
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, epochs=2, n_train=6000, n_test=2000, restart_steps=100,
                                   curve_every=5)  # fmt: skip


def make_schedule(name: str, config: Config, total_steps: int) -> float | LearningRateSchedule:
    """The Keras-face schedule object (or the constant float) named ``name``."""
    from scratchdl.keras.optimizers import schedules

    if name == "constant":
        return config.lr0
    if name == "exponential":
        return schedules.ExponentialDecay(config.lr0, config.exp_decay_steps, config.exp_decay_rate)
    if name == "cosine":
        return schedules.CosineDecay(config.lr0, decay_steps=total_steps)
    if name == "cosine_restarts":
        return schedules.CosineDecayRestarts(config.lr0, first_decay_steps=config.restart_steps)
    raise ValueError(f"unknown schedule {name!r}; valid names: {', '.join(SCHEDULES)}")


def formula(name: str, config: Config, total_steps: int, step: int) -> float:
    """The published formula of each schedule (seed 001; keras.md A8 for the restarts)."""
    lr0 = config.lr0
    if name == "constant":
        return lr0
    if name == "exponential":
        return lr0 * config.exp_decay_rate ** (step / config.exp_decay_steps)
    if name == "cosine":
        s = min(step, total_steps)
        return lr0 * 0.5 * (1 + math.cos(math.pi * s / total_steps))
    f = step / config.restart_steps  # t_mul = 2, m_mul = 1, alpha = 0
    i = math.floor(math.log(1 - f * (1 - 2.0)) / math.log(2.0))
    f = (f - (1 - 2.0**i) / (1 - 2.0)) / 2.0**i
    return lr0 * 0.5 * (1 + math.cos(math.pi * f))


def _lr_recorder():
    from scratchdl.keras.callbacks import Callback

    class LearningRateLog(Callback):
        """The learning rate the optimizer applies at each batch (before its update)."""

        def on_train_begin(self, logs=None) -> None:
            self.lrs = []

        def on_train_batch_begin(self, batch, logs=None) -> None:
            self.lrs.append(float(self.model.optimizer.learning_rate))

    return LearningRateLog()


def train(config: Config, name: str, data: TrainTest, rng: np.random.Generator) -> dict:
    from scratchdl.keras.optimizers import Adam

    (x, _), _ = data
    total = config.epochs * math.ceil(len(x) / config.batch_size)
    model = keras_classifier((config.hidden,), "relu", child_seed(rng))
    model.compile(optimizer=Adam(learning_rate=make_schedule(name, config, total)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    log = _lr_recorder()
    history = fit_on_test(model, data, config.epochs, config.batch_size, [log])
    expected = [formula(name, config, total, s) for s in range(len(log.lrs))]
    err = max(abs(a - b) / config.lr0 for a, b in zip(log.lrs, expected))
    return {"history": history, "lr": log.lrs[:: config.curve_every],
            "max_rel_error": float(err), "steps": len(log.lrs)}  # fmt: skip


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train one model per schedule; compare the applied learning rates with the formulas."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    out = timed_runs(NAME, SCHEDULES, lambda name: train(config, name, data, rng), _describe)
    rows = []
    for name, r in out.items():
        rows.append(
            check_row(
                f"{name}: learning rate at every step vs the formula",
                "seed 001 formulas",
                r["max_rel_error"],
                "max relative error <= 1e-6",
                r["max_rel_error"] <= 1e-6,
            )
        )
    for name, r in out.items():
        rows.append(info_row(f"{name}: final test accuracy", r["history"]["val_accuracy"][-1]))
    notes = ["The model, epochs and batch size are ours: the note gives only the schedules."]
    return new_result(NAME, config, rows, out, notes)


def _describe(name, r, seconds) -> str:
    acc, lrs = r["history"]["val_accuracy"][-1], r["lr"]
    return f"{name}: val acc {acc:.4f}, lr {lrs[0]:.3g} -> {lrs[-1]:.3g} ({seconds:.1f} s)"


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """learning_rates.png (lr per step) and accuracy.png (test accuracy per epoch)."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    every = result.config["curve_every"]
    lr_lines = [{"x": [i * every for i in range(len(r["lr"]))], "y": r["lr"], "label": name}
                for name, r in result.data.items()]  # fmt: skip
    panel = {"title": "learning rate", "xlabel": "step", "ylabel": "lr", "lines": lr_lines}
    figures = [plot_lines(out / "learning_rates.png", [panel], size=(7, 4))]
    acc_lines = [{"y": r["history"]["val_accuracy"], "label": name}
                 for name, r in result.data.items()]  # fmt: skip
    panel = {"title": "test accuracy", "xlabel": "epoch", "ylabel": "accuracy",
             "lines": acc_lines}  # fmt: skip
    figures.append(plot_lines(out / "accuracy.png", [panel], size=(7, 4)))
    return write_report(result, out, TITLE, figures)
