"""batchnorm: how much does batch normalization help?

Part 1 (seed 000, problem 138, Keras): Flatten -> Dense(50, sigmoid) -> [BN] ->
Dense(50, sigmoid) -> [BN] -> Dense(10, softmax), ``compile(optimizer='SGD',
loss='categorical_crossentropy', metrics=['acc'])`` (SGD lr 0.01), ``fit(epochs=30,
batch_size=100, validation_data=(x_test, y_test))`` on pixels / 255.  Published test
accuracy: without BN 0.8894, with BN 0.9572.  Ours runs on the Keras face (float32, Keras
BN: momentum 0.99, eps 1e-3; Glorot-uniform kernels).

Part 2 (the book, ch06 ``batch_norm_test.py``): ``x_train[:1000]``; for each of the 16
scales ``np.logspace(0, -4, 16)`` two ``MultiLayerNetExtend(784, [100]*5, 10,
weight_init_std=w)`` nets, with and without ``use_batchnorm``, trained on the same
mini-batches (SGD lr 0.01, batch 100, 20 evaluations every 10 iterations); training
accuracy on the 1000 samples.  Recorded at the last epoch: BN ahead at 14 of 16 scales,
the plain net stuck at about 0.1 for every scale <= 0.0464.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scratchdl.lab.experiments.common import (
    Result,
    TrainTest,
    check_row,
    child_rng,
    child_seed,
    load_images,
    new_result,
    timed_runs,
)
from scratchdl.lab.experiments.recipes import fit_on_test, keras_classifier
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:  # annotations only
    from scratchdl.models.sequential import Sequential

NAME = "batchnorm"
TITLE = "Batch normalization: with and without, and over 16 weight scales"

PUBLISHED = {"no_bn": 0.8894, "bn": 0.9572}
BOOK_SCALES = tuple(float(s) for s in np.logspace(0, -4, num=16))
BOOK_RECORDED = (  # (normal, BN) training accuracy at the last epoch, per scale
    (0.097, 0.419), (0.097, 0.498), (0.979, 0.63), (0.823, 0.763), (0.235, 0.89),
    (0.116, 0.95), (0.116, 0.99), (0.116, 1.0), (0.116, 1.0), (0.117, 0.998),
    (0.116, 0.999), (0.117, 0.831), (0.116, 0.804), (0.116, 0.595), (0.117, 0.618),
    (0.116, 0.523),
)  # fmt: skip


@dataclass(frozen=True)
class Config:
    """Part 1: hidden, epochs, batch_size, n_train/n_test (None: all).  Part 2: book_*."""

    hidden: tuple[int, ...] = (50, 50)
    epochs: int = 30
    batch_size: int = 100
    n_train: int | None = None
    n_test: int | None = None
    book_scales: tuple[int, ...] = tuple(range(16))  # indices into logspace(0, -4, 16)
    book_samples: int = 1000
    book_epochs: int = 20
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(
            self, epochs=3, n_train=6000, n_test=2000, book_scales=(0, 5, 10), book_epochs=8
        )


def keras_model(hidden: Sequence[int], batchnorm: bool, seed: int) -> Sequential:
    """The seed's model on the Keras face, compiled as in the note."""
    from scratchdl.keras.layers import BatchNormalization

    model = keras_classifier(hidden, "sigmoid", seed, BatchNormalization if batchnorm else None)
    model.compile(optimizer="SGD", loss="sparse_categorical_crossentropy", metrics=["acc"])
    return model


def train_keras(config: Config, batchnorm: bool, data: TrainTest, rng: np.random.Generator) -> dict:
    _, (xt, yt) = data
    model = keras_model(config.hidden, batchnorm, child_seed(rng))
    history = fit_on_test(model, data, config.epochs, config.batch_size)
    test_loss, test_acc = model.evaluate(xt, yt, verbose=0)
    return {"history": history, "test_acc": float(test_acc)}


def train_book_pair(
    config: Config, scale: float, data: TrainTest, rng: np.random.Generator
) -> dict:
    """The book's loop: both nets see the same batches; train accuracy every 10 iterations."""
    from scratchdl.book import SGD, MultiLayerNetExtend

    (x, t), _ = data
    x, t = x[: config.book_samples], t[: config.book_samples]
    nets = {
        key: MultiLayerNetExtend(
            784, [100] * 5, 10, weight_init_std=scale, use_batchnorm=key == "bn",
            rng=child_rng(rng),
        )
        for key in ("bn", "normal")
    }  # fmt: skip
    optimizer = SGD(lr=0.01)
    acc = {"bn": [], "normal": []}
    iter_per_epoch = max(len(x) // 100, 1)
    i = 0
    with np.errstate(all="ignore"):  # the plain net overflows at scale 1.0, as in the book
        while len(acc["bn"]) < config.book_epochs:
            mask = rng.choice(len(x), 100)
            for net in nets.values():
                optimizer.update(net.params, net.gradient(x[mask], t[mask]))
            if i % iter_per_epoch == 0:
                for key, net in nets.items():
                    acc[key].append(float(net.accuracy(x, t)))
            i += 1
    return acc


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train the two Keras models and the book's 16 pairs; compare with the records."""
    data = load_images(config.dataset, True, config.n_train, config.n_test)
    keras = timed_runs(
        NAME, ("no_bn", "bn"), lambda key: train_keras(config, key == "bn", data, rng),
        lambda key, r, seconds: _describe_keras(key, r, config.epochs, seconds),
    )  # fmt: skip
    book_data = load_images(config.dataset, True, config.book_samples, 1)
    scales = [BOOK_SCALES[index] for index in config.book_scales]
    pairs = timed_runs(NAME, scales, lambda scale: train_book_pair(config, scale, book_data, rng),
                       _describe_pair)  # fmt: skip
    book = {f"{scale:.3g}": acc for scale, acc in pairs.items()}
    rows = _keras_rows(keras) + _book_rows(config, book)
    return new_result(NAME, config, rows, {"keras": keras, "book": book})


def _describe_keras(key, r, epochs, seconds) -> str:
    return (f"Keras 784-50-50-10 {key}: test acc {r['test_acc']:.4f} after {epochs} epochs "
            f"({seconds:.1f} s)")  # fmt: skip


def _describe_pair(scale, acc, seconds) -> str:
    return (f"book scale {scale:.3g}: normal {acc['normal'][-1]:.3f} - "
            f"BN {acc['bn'][-1]:.3f} ({seconds:.1f} s)")  # fmt: skip


def _keras_rows(keras) -> list:
    rows = []
    for key, label in (("no_bn", "without BN"), ("bn", "with BN")):
        ours, pub = keras[key]["test_acc"], PUBLISHED[key]
        rows.append(check_row(f"Keras 784-50-50-10 {label}: test accuracy", f"{pub} (seed 000)",
                              ours, "within 0.03", abs(ours - pub) <= 0.03))  # fmt: skip
    gain = keras["bn"]["test_acc"] - keras["no_bn"]["test_acc"]
    pub_gain = PUBLISHED["bn"] - PUBLISHED["no_bn"]
    rows.append(check_row("BN - no BN (test accuracy)", f"{pub_gain:.4f} (seed 000)", gain,
                          ">= 0.03", gain >= 0.03))  # fmt: skip
    return rows


def _book_rows(config, book) -> list:
    idx = list(config.book_scales)
    ours_ahead = sum(acc["bn"][-1] > acc["normal"][-1] for acc in book.values())
    pub_ahead = sum(BOOK_RECORDED[i][1] > BOOK_RECORDED[i][0] for i in idx)
    rows = [check_row(
        "book: scales where BN is ahead (last epoch)", f"{pub_ahead} of {len(idx)} (book)",
        f"{ours_ahead} of {len(idx)}", ">= 75 % of the scales", ours_ahead >= 0.75 * len(idx),
    )]  # fmt: skip
    small = [k for k, i in zip(book, idx) if BOOK_SCALES[i] <= 0.05]
    if small:
        stuck = sum(book[k]["normal"][-1] <= 0.2 for k in small)
        pub_stuck = sum(BOOK_RECORDED[i][0] <= 0.2 for i in idx if BOOK_SCALES[i] <= 0.05)
        rows.append(check_row(
            "book: scales <= 0.05 where the plain net is stuck (<= 0.2)",
            f"{pub_stuck} of {len(small)} (book)", f"{stuck} of {len(small)}",
            ">= 80 % of them", stuck >= 0.8 * len(small),
        ))  # fmt: skip
    return rows


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """keras_curves.png (train/val accuracy, both models) and book_grid.png (4x4 panels)."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for key, r in result.data["keras"].items():
        lines.append({"y": r["history"]["acc"], "label": f"{key} train"})
        lines.append({"y": r["history"]["val_acc"], "label": f"{key} test", "style": "--"})
    panel = {"title": "784-50-50-10 sigmoid, SGD", "xlabel": "epoch", "ylabel": "accuracy",
             "ylim": (0, 1), "lines": lines}  # fmt: skip
    figures = [plot_lines(out / "keras_curves.png", [panel], size=(6, 4))]
    panels = [
        {"title": f"W:{scale}", "ylim": (0, 1), "lines": [
            {"y": acc["bn"], "label": "BN" if i == len(result.data["book"]) - 1 else None},
            {"y": acc["normal"], "style": "--",
             "label": "normal" if i == len(result.data["book"]) - 1 else None},
        ]}
        for i, (scale, acc) in enumerate(result.data["book"].items())
    ]  # fmt: skip
    figures.append(plot_lines(out / "book_grid.png", panels, ncols=4, size=(2.8, 2.2)))
    return write_report(result, out, TITLE, figures)
