"""overfitting: a deep net on 300 samples, and what weight decay and dropout do to the gap.

Setup (the book, ch06 ``overfit_weight_decay.py`` / ``overfit_dropout.py``; seed 003):
``x_train[:300]``, ``MultiLayerNet(784, [100]*6, 10)`` (7 layers, ReLU, He), SGD lr 0.01,
batch 100 drawn with replacement (3 iterations per "epoch"), training accuracy on the 300
samples and test accuracy on all 10 000 after every epoch:

* baseline, lambda = 0, 201 epochs: train about 1.0 after ~100 epochs; third-party runs
  record 1.0 / 0.759 and 1.0 / 0.7425 at epoch 200 (train / test);
* weight decay lambda = 0.1 (loss + 0.5*lambda*sum W**2), 201 epochs: recorded 0.927 / 0.721
  at epoch 200 -- the gap shrinks and train stays below 1.0;
* dropout 0.2 (``MultiLayerNetExtend(use_dropout=True, dropout_ration=0.2)``, the book's
  non-inverted dropout) with ``Trainer(epochs=301)``: recorded 0.67 / 0.5476 at epoch 301.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scratchdl.lab.experiments.common import (
    Result,
    TrainTest,
    check_row,
    child_rng,
    load_images,
    new_result,
    timed_runs,
)
from scratchdl.lab.experiments.recipes import train_test_panel
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:  # annotations only
    from scratchdl.book.multi_layer_net import MultiLayerNet
    from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend

NAME = "overfitting"
TITLE = "Overfitting: baseline vs weight decay vs dropout (300 samples, 7 layers)"

PUBLISHED = {  # variant: (train, test, source, train tolerance, test tolerance)
    "baseline": (1.0, 0.759, "book, third-party run", 0.02, 0.05),
    "weight_decay": (0.927, 0.721, "book", 0.05, 0.05),
    "dropout": (0.67, 0.5476, "book", 0.1, 0.1),
}


@dataclass(frozen=True)
class Config:
    """n_train samples, hidden widths, lr, batch_size, epochs (baseline and weight decay),
    dropout_epochs, weight_decay lambda, dropout ratio, n_test (None: all)."""

    n_train: int = 300
    hidden: tuple[int, ...] = (100,) * 6
    lr: float = 0.01
    batch_size: int = 100
    epochs: int = 201
    dropout_epochs: int = 301
    weight_decay: float = 0.1
    dropout: float = 0.2
    n_test: int | None = None
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, epochs=30, dropout_epochs=30, n_test=1000)


def make_network(
    config: Config, variant: str, rng: np.random.Generator
) -> MultiLayerNet | MultiLayerNetExtend:
    """The book's network for ``variant`` (baseline, weight_decay or dropout)."""
    from scratchdl.book import MultiLayerNet, MultiLayerNetExtend

    if variant == "dropout":
        return MultiLayerNetExtend(
            784, list(config.hidden), 10, use_dropout=True, dropout_ration=config.dropout,
            rng=rng,
        )  # fmt: skip
    decay = config.weight_decay if variant == "weight_decay" else 0.0
    return MultiLayerNet(784, list(config.hidden), 10, weight_decay_lambda=decay, rng=rng)


def train_variant(config: Config, variant: str, data: TrainTest, rng: np.random.Generator) -> dict:
    """Train with the book's Trainer; accuracy lists one entry per epoch."""
    from scratchdl.book import Trainer

    (x, t), (xt, tt) = data
    network = make_network(config, variant, child_rng(rng))
    epochs = config.dropout_epochs if variant == "dropout" else config.epochs
    trainer = Trainer(
        network, x, t, xt, tt, epochs=epochs, mini_batch_size=config.batch_size,
        optimizer="sgd", optimizer_param={"lr": config.lr}, verbose=False, rng=child_rng(rng),
    )  # fmt: skip
    trainer.train()
    train_acc, test_acc = trainer.train_acc_list, trainer.test_acc_list
    return {
        "train_acc": [float(a) for a in train_acc],
        "test_acc": [float(a) for a in test_acc],
        "gap": float(train_acc[-1] - test_acc[-1]),
    }


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train the three variants; compare final accuracies and gaps with the records."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    out = timed_runs(NAME, PUBLISHED, lambda v: train_variant(config, v, data, rng), _describe)
    notes = [
        "Ours is the last per-epoch evaluation (epoch 200, or 300 for dropout), as recorded.",
        "Dropout is the book's (non-inverted: scaled by 1 - ratio at test time).",
    ]
    return new_result(NAME, config, _rows(out), out, notes)


def _describe(variant, r, seconds) -> str:
    return (f"{variant}: train {r['train_acc'][-1]:.4f}, test {r['test_acc'][-1]:.4f}, "
            f"gap {r['gap']:.4f} ({len(r['train_acc'])} epochs, {seconds:.1f} s)")  # fmt: skip


def _rows(out) -> list:
    rows = []
    base_gap = out["baseline"]["gap"]
    for variant, (train, test, source, tol_train, tol_test) in PUBLISHED.items():
        r = out[variant]
        ours_train, ours_test = r["train_acc"][-1], r["test_acc"][-1]
        rows.append(
            check_row(
                f"{variant}: train accuracy",
                f"{train} ({source})",
                ours_train,
                f"within {tol_train}",
                abs(ours_train - train) <= tol_train,
            )
        )
        rows.append(
            check_row(
                f"{variant}: test accuracy",
                f"{test} ({source})",
                ours_test,
                f"within {tol_test}",
                abs(ours_test - test) <= tol_test,
            )
        )
        pub_gap = f"{train - test:.4f} ({source})"
        if variant == "baseline":
            rows.append(
                check_row(
                    "baseline: train - test gap", pub_gap, base_gap, ">= 0.2", base_gap >= 0.2
                )
            )
        else:
            rows.append(check_row(f"{variant}: train - test gap", pub_gap, r["gap"],
                                  "< baseline gap", r["gap"] < base_gap))  # fmt: skip
    return rows


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """accuracy.png: train (solid) and test (dashed) per epoch, one panel per variant."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panels = [
        train_test_panel(variant, r["train_acc"], r["test_acc"], xlabel="epochs")
        for variant, r in result.data.items()
    ]
    figures = [plot_lines(out / "accuracy.png", panels)]
    return write_report(result, out, TITLE, figures)
