"""hparam-search: the book's random search over the learning rate and weight decay.

Setup (the book, ch06 ``hyperparameter_optimization.py``; seed 003): the first 500 training
images, shuffled, 20 % (100) for validation and 400 for training; each trial trains
``MultiLayerNet(784, [100]*6, 10, weight_decay_lambda=wd)`` with ``Trainer(epochs=50,
mini_batch_size=100, optimizer='sgd', optimizer_param={'lr': lr})``; 100 trials with
``lr = 10**U(-6, -2)`` and ``wd = 10**U(-8, -4)``; the value of a trial is its last
validation accuracy.  Runs on ``scratchdl.lab.search`` (Optuna, random sampler, no pruning).

Published: book Best-1 val 0.84 (lr 0.0094, wd 2.77e-6), all of the top 9 with lr in
[0.0049, 0.0100]; seed 003 Best-1 0.82 (lr 0.0062), its top 20 with lr in [1.3e-4, 8.3e-3];
the book's conclusion: lr 0.001-0.01 and weight decay 1e-8-1e-6 work well.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.lab.experiments.common import (
    Result,
    check_row,
    child_seed,
    info_row,
    load_images,
    new_result,
    progress,
)
from scratchdl.lab.experiments.report import write_report

NAME = "hparam-search"
TITLE = "Hyper-parameter search: the book's random search over lr and weight decay"


@dataclass(frozen=True)
class Config:
    """n_trials, epochs per trial, n_samples (split validation_rate for validation), top."""

    n_trials: int = 100
    epochs: int = 50
    n_samples: int = 500
    validation_rate: float = 0.2
    batch_size: int = 100
    top: int = 5
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, n_trials=12, epochs=10)


@lru_cache(maxsize=4)
def split(
    dataset: str, n_samples: int, validation_rate: float, data_seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The book's split: first n_samples, shuffled once, the first 20 % for validation."""
    (x, t), _ = load_images(dataset, True, n_samples, 1)
    perm = np.random.default_rng(data_seed).permutation(len(x))
    x, t = x[perm], t[perm]
    n_val = int(len(x) * validation_rate)
    return x[n_val:], t[n_val:], x[:n_val], t[:n_val]


@dataclass(frozen=True)
class BookTrial:
    """The search's training function for one trial (picklable, so workers can run it)."""

    dataset: str
    n_samples: int
    validation_rate: float
    data_seed: int
    epochs: int
    batch_size: int

    def __call__(
        self, params: dict[str, Any], report: Callable[..., None], rng: np.random.Generator
    ) -> float:
        from scratchdl.book import MultiLayerNet, Trainer
        from scratchdl.lab.search.book import run_book_trainer

        x, t, xv, tv = split(self.dataset, self.n_samples, self.validation_rate, self.data_seed)
        network = MultiLayerNet(
            784, [100] * 6, 10, weight_decay_lambda=params["weight_decay"], rng=rng
        )
        trainer = Trainer(
            network, x, t, xv, tv, epochs=self.epochs, mini_batch_size=self.batch_size,
            optimizer="sgd", optimizer_param={"lr": params["lr"]}, verbose=False, rng=rng,
        )  # fmt: skip
        return run_book_trainer(trainer, report)


def run(config: Config, rng: np.random.Generator) -> Result:
    """Run the random search; compare the best trials with the book's."""
    from scratchdl.lab.search import random_search

    trial = BookTrial(config.dataset, config.n_samples, config.validation_rate,
                      child_seed(rng), config.epochs, config.batch_size)  # fmt: skip
    progress(NAME, f"{config.n_trials} trials of {config.epochs} epochs (one line per trial)")
    result = random_search(
        trial, n_trials=config.n_trials, sampler="random", seed=child_seed(rng), pruner="none",
        verbose=True,
    )  # fmt: skip
    trials = [
        {"number": t.number, "value": t.value, "lr": t.params["lr"],
         "weight_decay": t.params["weight_decay"], "val_acc": t.val_acc, "train_acc": t.train_acc}
        for t in result.ranked()
    ]  # fmt: skip
    table = result.table(top=20)
    for line in table[: config.top]:
        progress(NAME, line)
    return new_result(NAME, config, _rows(config, trials),
                      {"ranked_trials": trials, "book_table": table})  # fmt: skip


def _rows(config, trials) -> list:
    best = trials[0]
    rows = [check_row("Best-1 validation accuracy", "0.84 (book), 0.82 (seed 003)",
                      best["value"], "within 0.1 of 0.84",
                      abs(best["value"] - 0.84) <= 0.1)]  # fmt: skip
    top = trials[: config.top]
    inside = sum(1e-3 <= t["lr"] <= 1e-2 for t in top)
    rows.append(check_row(
        f"top-{len(top)} trials with lr in [1e-3, 1e-2]", "top 9 all in [0.0049, 0.01] (book)",
        f"{inside} of {len(top)}", "all", inside == len(top),
    ))  # fmt: skip
    rows.append(info_row("Best-1 learning rate", best["lr"], "0.0094 (book)"))
    rows.append(info_row("Best-1 weight decay", best["weight_decay"], "2.77e-06 (book)"))
    return rows


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """top20.png (the book's grid: solid val, dashed train) and lr_vs_acc.png."""
    from scratchdl.lab.plotting import plot_lines
    from scratchdl.lab.search import SearchResult, TrialRecord, plot_top_grid

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    trials = result.data["ranked_trials"]
    records = [
        TrialRecord(t["number"], "COMPLETE", t["value"],
                    {"lr": t["lr"], "weight_decay": t["weight_decay"]},
                    t["val_acc"], t["train_acc"])
        for t in trials
    ]  # fmt: skip
    figures = [plot_top_grid(SearchResult(NAME, None, records), out / "top20.png")]
    panels = [
        {"title": f"final val accuracy vs {key}", "xlabel": key, "ylabel": "val acc",
         "xscale": "log", "ylim": (0, 1),
         "lines": [{"x": [t[key] for t in trials], "y": [t["value"] for t in trials],
                    "style": "o"}]}
        for key in ("lr", "weight_decay")
    ]  # fmt: skip
    figures.append(plot_lines(out / "lr_vs_acc.png", panels, ncols=2))
    return write_report(result, out, TITLE, figures)
