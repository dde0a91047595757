"""weight-init-accuracy: does the initial weight scale decide whether a network learns?

Part 1 (seed 000, problem 137): the ch04 ``TwoLayerNet`` 784-50-10 (sigmoid, softmax),
``W = std * randn``, plain SGD lr 0.1, mini-batches of 100 drawn with replacement,
600 * 40 iterations (40 "epochs"), for std 1e-4, 0.01 and 1e4.  Published (train, test):
std 1e-4 0.9669 / 0.9616, std 0.01 0.9690 / 0.9626, std 1e4 0.0972 / 0.1008 (no learning).

Part 2 (the book, ch06 ``weight_init_compare.py``): ``MultiLayerNet(784, [100]*4, 10)``
(ReLU) with weight_init_std 0.01, Xavier (1/sqrt(n)) and He (sqrt(2/n)), SGD lr 0.01,
batch 128, 2000 iterations.  Recorded mini-batch loss at iteration 1900: std 0.01 2.3050
(does not learn), Xavier 0.3769, He 0.2864 (He learns fastest).  One mini-batch loss is
noisy, so ours is the mean over iterations 1900-1999.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

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
from scratchdl.lab.experiments.recipes import book_loss_curve, tail_mean, train_test_panel
from scratchdl.lab.experiments.report import write_report

NAME = "weight-init-accuracy"
TITLE = "Weight initialisation: accuracy and loss of networks that do or do not learn"

PUBLISHED_TEST = {1e-4: 0.9616, 0.01: 0.9626, 1e4: 0.1008}
PUBLISHED_BOOK_LOSS = {"0.01": 2.3050, "xavier": 0.3769, "he": 0.2864}
BOOK_INIT_NAMES = {"0.01": 0.01, "xavier": "sigmoid", "he": "relu"}  # MultiLayerNet spelling


@dataclass(frozen=True)
class Config:
    """Part 1: stds, hidden, lr, batch_size, epochs (of n_train/batch iterations), n_train.
    Part 2: book_inits, book_iters, book_batch, book_lr."""

    stds: tuple[float, ...] = (1e-4, 0.01, 1e4)
    hidden: int = 50
    lr: float = 0.1
    batch_size: int = 100
    epochs: int = 40
    n_train: int | None = None
    n_test: int | None = None
    book_inits: tuple[str, ...] = ("0.01", "xavier", "he")
    book_iters: int = 2000
    book_batch: int = 128
    book_lr: float = 0.01
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, epochs=2, n_test=2000, book_iters=300)


def train_two_layer(config: Config, std: float, data: TrainTest, rng: np.random.Generator) -> dict:
    """Seed 000's loop: SGD on batches drawn with replacement, accuracy every epoch."""
    from scratchdl.book import SGD, Ch04TwoLayerNet

    (x, t), (xt, tt) = data
    net = Ch04TwoLayerNet(784, config.hidden, 10, weight_init_std=std, rng=child_rng(rng))
    optimizer = SGD(lr=config.lr)
    iter_per_epoch = max(len(x) // config.batch_size, 1)
    train_acc, test_acc = [], []
    with np.errstate(over="ignore", under="ignore"):
        for i in range(iter_per_epoch * config.epochs):
            mask = rng.choice(len(x), config.batch_size)
            optimizer.update(net.params, net.gradient(x[mask], t[mask]))
            if i % iter_per_epoch == 0:
                train_acc.append(float(net.accuracy(x, t)))
                test_acc.append(float(net.accuracy(xt, tt)))
        final = (float(net.accuracy(x, t)), float(net.accuracy(xt, tt)))
    return {"train_acc": train_acc, "test_acc": test_acc, "final_train": final[0],
            "final_test": final[1]}  # fmt: skip


def train_book(config: Config, init: str, data: TrainTest, rng: np.random.Generator) -> list[float]:
    """The book's weight_init_compare loop: mini-batch loss after every SGD update."""
    from scratchdl.book import SGD, MultiLayerNet

    (x, t), _ = data
    net = MultiLayerNet(
        784, [100] * 4, 10, weight_init_std=BOOK_INIT_NAMES[init], rng=child_rng(rng)
    )
    optimizer = SGD(lr=config.book_lr)
    return book_loss_curve(net, optimizer, x, t, config.book_iters, config.book_batch, rng)


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train the three TwoLayerNets and the three book nets; compare with the records."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    runs = timed_runs(NAME, config.stds, lambda std: train_two_layer(config, std, data, rng),
                      _describe_two_layer)  # fmt: skip
    two_layer = {f"{std:g}": out for std, out in runs.items()}
    book = timed_runs(NAME, config.book_inits, lambda init: train_book(config, init, data, rng),
                      _describe_book)  # fmt: skip
    rows = _rows(config, two_layer, book)
    notes = [
        "TwoLayerNet: ours is the test accuracy after the last iteration; the note prints the "
        "last per-epoch evaluation (600 iterations earlier).",
        "Book losses: mean of the last 100 mini-batch losses (the book records one batch).",
    ]
    data_out = {"two_layer": two_layer, "book_loss": book}
    return new_result(NAME, config, rows, data_out, notes)


def _describe_two_layer(std, out, seconds) -> str:
    return (f"TwoLayerNet std {std:g}: train {out['final_train']:.4f}, "
            f"test {out['final_test']:.4f} ({seconds:.1f} s)")  # fmt: skip


def _describe_book(init, losses, seconds) -> str:
    return (f"book 4x100 ReLU, init {init}: loss {tail_mean(losses):.4f} "
            f"(mean of the last 100 iterations, {seconds:.1f} s)")  # fmt: skip


def _rows(config, two_layer, book) -> list:
    rows = []
    for std in config.stds:
        ours = two_layer[f"{std:g}"]["final_test"]
        pub = PUBLISHED_TEST.get(std)
        learns = std <= 1.0
        check, ok = ("test >= 0.95", ours >= 0.95) if learns else ("test <= 0.12", ours <= 0.12)
        pub_text = f"{pub} (seed 000)" if pub is not None else "-"
        rows.append(check_row(f"TwoLayerNet std {std:g}: test accuracy", pub_text, ours,
                              check, ok))  # fmt: skip
    tails = {init: tail_mean(losses) for init, losses in book.items()}
    for init, ours in tails.items():
        pub = PUBLISHED_BOOK_LOSS.get(init)
        tol = 0.05 if init == "0.01" else 0.15
        rows.append(check_row(
            f"book 4x100 init {init}: loss near iteration 1900",
            f"{pub} (book)" if pub is not None else "-", ours, f"within {tol}",
            pub is not None and abs(ours - pub) <= tol,
        ))  # fmt: skip
    if {"0.01", "xavier", "he"} <= set(tails):
        order = tails["he"] < tails["xavier"] < tails["0.01"]
        rows.append(check_row(
            "book: loss order He < Xavier < std 0.01", "He < Xavier < 0.01 (book)",
            "yes" if order else "no", "same order", order,
        ))  # fmt: skip
    return rows


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """accuracy.png (train/test per epoch per std) and book_loss.png (smoothed losses)."""
    from scratchdl.book.util import smooth_curve
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    two = result.data["two_layer"]
    panels = [
        train_test_panel(f"TwoLayerNet std {std}", r["train_acc"], r["test_acc"])
        for std, r in two.items()
    ]
    figures = [plot_lines(out / "accuracy.png", panels)]
    book = result.data["book_loss"]
    lines = [{"y": smooth_curve(np.asarray(v)), "label": k} for k, v in book.items()]
    panel = {"title": "book 4x100 ReLU net, SGD lr 0.01", "xlabel": "iteration",
             "ylabel": "loss (smoothed)", "ylim": (0, 2.5), "lines": lines}  # fmt: skip
    figures.append(plot_lines(out / "book_loss.png", [panel], size=(6, 4)))
    return write_report(result, out, TITLE, figures)
