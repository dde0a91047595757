"""regularizers: none vs L1 vs L2 vs MaxNorm vs Dropout on a network that overfits.

Setup (seed 001, Keras: "weight decay (L1, L2), weight constraints, dropout" to fight
overfitting): an overfitting setup of ours, since the note names the methods but no model --
1000 training images (pixels / 255), Flatten -> 3 x Dense(100, relu) -> Dense(10, softmax),
Adam (lr 0.001), batch 32, 50 epochs, the 10 000 test images as validation data; each method
on every hidden Dense layer:

    kernel_regularizer=regularizers.l1(1e-3)     loss + 1e-3 * sum|W|
    kernel_regularizer=regularizers.l2(1e-2)     loss + 1e-2 * sum W**2 (Keras's default 0.01)
    kernel_constraint=MaxNorm(0.5)               every column of W rescaled to norm <= 0.5
    Dropout(0.5) after the layer                 inverted dropout (Keras)

Published (seed 001): each method reduces overfitting; no numbers.  The note defines
overfitting by the losses: the training loss keeps falling while the validation loss rises.
So ours is the test cross-entropy (the data term only, without the penalty) after every
epoch: how far it rises after its minimum by the last epoch, which each method should make
smaller than without.  The train-test accuracy gap is shown too: on MNIST every variant
reaches ~100 % train accuracy, so that gap hardly moves.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from scratchdl.lab.experiments.recipes import fit_on_test, keras_classifier, train_test_panel
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:  # annotations only
    from scratchdl.models.sequential import Sequential

NAME = "regularizers"
TITLE = "Regularizers: none vs L1 vs L2 vs MaxNorm vs Dropout on an overfitting network"

VARIANTS = ("none", "l1", "l2", "max_norm", "dropout")


@dataclass(frozen=True)
class Config:
    """n_train, n_test (None: all), hidden widths, epochs, batch_size, lr and each method's
    strength: l1, l2, max_norm, dropout."""

    n_train: int = 1000
    n_test: int | None = None
    hidden: tuple[int, ...] = (100, 100, 100)
    epochs: int = 50
    batch_size: int = 32
    lr: float = 0.001
    l1: float = 1e-3
    l2: float = 1e-2
    max_norm: float = 0.5
    dropout: float = 0.5
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, n_train=500, n_test=2000, epochs=10)


def build(config: Config, variant: str, seed: int) -> Sequential:
    """The overfitting model with ``variant``'s method on every hidden layer, compiled."""
    from scratchdl.keras import constraints, regularizers
    from scratchdl.keras.layers import Dropout
    from scratchdl.keras.optimizers import Adam

    options = {
        "none": {},
        "l1": {"kernel_regularizer": regularizers.l1(config.l1)},
        "l2": {"kernel_regularizer": regularizers.l2(config.l2)},
        "max_norm": {"kernel_constraint": constraints.MaxNorm(config.max_norm)},
        "dropout": {},
    }[variant]
    after = (lambda: Dropout(config.dropout)) if variant == "dropout" else None
    model = keras_classifier(config.hidden, "relu", seed, after, **options)
    model.compile(optimizer=Adam(learning_rate=config.lr),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    return model


def cross_entropy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    """Mean -log p(true class) of ``model`` on (x, y): the data loss, without penalties."""
    p = model.predict(x, batch_size=1000, verbose=0)
    return float(-np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-7))))


def _test_loss_log(x, y):
    from scratchdl.keras.callbacks import Callback

    class TestLoss(Callback):
        """The test cross-entropy after every epoch."""

        def on_train_begin(self, logs=None) -> None:
            self.values = []

        def on_epoch_end(self, epoch, logs=None) -> None:
            self.values.append(cross_entropy(self.model, x, y))

    return TestLoss()


def train(config: Config, variant: str, data: TrainTest, rng: np.random.Generator) -> dict:
    (x, y), (xt, yt) = data
    model = build(config, variant, child_seed(rng))
    log = _test_loss_log(xt, yt)
    history = fit_on_test(model, data, config.epochs, config.batch_size, [log])
    train_acc = float(model.evaluate(x, y, verbose=0)[1])  # without dropout, like the test
    test_acc = history["val_accuracy"][-1]
    best = int(np.argmin(log.values))
    return {"history": history, "test_loss": log.values, "train_acc": train_acc,
            "test_acc": test_acc, "gap": train_acc - test_acc, "best_epoch": best + 1,
            "rise": log.values[-1] - log.values[best]}  # fmt: skip


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train one model per method; compare how far the test loss rises with the baseline."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    out = timed_runs(NAME, VARIANTS, lambda variant: train(config, variant, data, rng), _describe)
    base = out["none"]["rise"]
    rows = [info_row("none: rise of the test loss after its minimum", base,
                     "validation loss rises (seed 001)")]  # fmt: skip
    for variant in VARIANTS[1:]:
        rise = out[variant]["rise"]
        rows.append(check_row(f"{variant}: rise of the test loss after its minimum",
                              "reduces overfitting (seed 001)", rise, "< rise without",
                              rise < base))  # fmt: skip
    for variant in VARIANTS:
        r = out[variant]
        rows.append(info_row(f"{variant}: lowest test loss at epoch", r["best_epoch"]))
    for variant in VARIANTS:
        rows.append(
            info_row(
                f"{variant}: test accuracy (train - test gap)",
                f"{out[variant]['test_acc']:.4f} ({out[variant]['gap']:.4f})",
            )
        )
    notes = [
        "Train accuracy is evaluated after training, in inference mode (no dropout), on the "
        "training images; the model and the strengths are ours (the note names only methods).",
        "The test loss is the cross-entropy alone; Keras's val_loss adds the penalty terms.",
    ]
    return new_result(NAME, config, rows, out, notes)


def _describe(variant, r, seconds) -> str:
    return (f"{variant}: test loss lowest at epoch {r['best_epoch']}, then +{r['rise']:.4f}; "
            f"train {r['train_acc']:.4f}, test {r['test_acc']:.4f} ({seconds:.1f} s)")  # fmt: skip


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """curves.png: accuracy per method (train solid, test dashed); test_loss.png."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panels = [
        train_test_panel(variant, r["history"]["accuracy"], r["history"]["val_accuracy"])
        for variant, r in result.data.items()
    ]
    figures = [plot_lines(out / "curves.png", panels)]
    lines = [{"x": list(range(1, len(r["test_loss"]) + 1)), "y": r["test_loss"], "label": v}
             for v, r in result.data.items()]  # fmt: skip
    panel = {"title": "test cross-entropy per epoch", "xlabel": "epoch", "ylabel": "loss",
             "lines": lines}  # fmt: skip
    figures.append(plot_lines(out / "test_loss.png", [panel], size=(7, 4)))
    return write_report(result, out, TITLE, figures)
