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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scratchdl.experiments.common import (
    Result,
    Timer,
    check_row,
    child_rng,
    config_record,
    load_images,
    progress,
)
from scratchdl.experiments.report import write_report

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


def train_two_layer(config: Config, std: float, data, rng) -> dict:
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


def train_book(config: Config, init: str, data, rng) -> list[float]:
    """The book's weight_init_compare loop: mini-batch loss after every SGD update."""
    from scratchdl.book import SGD, MultiLayerNet

    (x, t), _ = data
    net = MultiLayerNet(
        784, [100] * 4, 10, weight_init_std=BOOK_INIT_NAMES[init], rng=child_rng(rng)
    )
    optimizer = SGD(lr=config.book_lr)
    losses = []
    for _ in range(config.book_iters):
        mask = rng.choice(len(x), config.book_batch)
        optimizer.update(net.params, net.gradient(x[mask], t[mask]))
        losses.append(float(net.loss(x[mask], t[mask])))
    return losses


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train the three TwoLayerNets and the three book nets; compare with the records."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    two_layer = {}
    for std in config.stds:
        with Timer() as timer:
            two_layer[f"{std:g}"] = out = train_two_layer(config, std, data, rng)
        progress(NAME, f"TwoLayerNet std {std:g}: train {out['final_train']:.4f}, "
                       f"test {out['final_test']:.4f} ({timer.seconds:.1f} s)")  # fmt: skip
    book = {}
    for init in config.book_inits:
        with Timer() as timer:
            book[init] = train_book(config, init, data, rng)
        progress(NAME, f"book 4x100 ReLU, init {init}: loss {_tail(book[init]):.4f} "
                       f"(mean of the last 100 iterations, {timer.seconds:.1f} s)")  # fmt: skip
    rows = _rows(config, two_layer, book)
    notes = [
        "TwoLayerNet: ours is the test accuracy after the last iteration; the note prints the "
        "last per-epoch evaluation (600 iterations earlier).",
        "Book losses: mean of the last 100 mini-batch losses (the book records one batch).",
    ]
    data_out = {"two_layer": two_layer, "book_loss": book}
    return Result(NAME, False, None, config_record(config), rows, data_out, notes)


def _tail(losses, n=100) -> float:
    return float(np.mean(losses[-n:]))


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
    tails = {init: _tail(losses) for init, losses in book.items()}
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


def report(result: Result, out_dir) -> list[Path]:
    """accuracy.png (train/test per epoch per std) and book_loss.png (smoothed losses)."""
    from scratchdl.book.util import smooth_curve
    from scratchdl.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    two = result.data["two_layer"]
    panels = [
        {
            "title": f"TwoLayerNet std {std}",
            "xlabel": "epoch",
            "ylabel": "accuracy",
            "ylim": (0, 1),
            "lines": [
                {"y": r["train_acc"], "label": "train"},
                {"y": r["test_acc"], "label": "test", "style": "--"},
            ],
        }
        for std, r in two.items()
    ]
    figures = [plot_lines(out / "accuracy.png", panels)]
    book = result.data["book_loss"]
    lines = [{"y": smooth_curve(np.asarray(v)), "label": k} for k, v in book.items()]
    panel = {"title": "book 4x100 ReLU net, SGD lr 0.01", "xlabel": "iteration",
             "ylabel": "loss (smoothed)", "ylim": (0, 2.5), "lines": lines}  # fmt: skip
    figures.append(plot_lines(out / "book_loss.png", [panel], size=(6, 4)))
    return write_report(result, out, TITLE, figures)
