"""convnet: the book's SimpleConvNet and a Keras CNN on MNIST (docs/convnets.md).

Part 1, the book (ch07/train_convnet.py): ``SimpleConvNet()`` (conv 30x5x5 - relu - pool 2 -
affine 100 - relu - affine 10), ``load_mnist(flatten=False)``, ``Trainer(epochs=20,
mini_batch_size=100, optimizer='Adam', optimizer_param={'lr': 0.001},
evaluate_sample_num_per_epoch=1000)``.  Published: the repository's 2016 weights score 0.989
on the test set.  The first layer's 30 filters are drawn before and after training (the
book's filter figure: random noise before, edge and blob detectors after).

Part 2, Keras (keras-io "Simple MNIST convnet"): Conv2D(32,3,relu) - MaxPooling2D(2) -
Conv2D(64,3,relu) - MaxPooling2D(2) - Flatten - Dropout(0.5) - Dense(10,softmax), Adam,
categorical cross-entropy, batch 128, 15 epochs, validation_split 0.1.  Published
(tf.keras): test accuracy 0.9922.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.lab.experiments.common import (
    Result,
    Timer,
    check_row,
    child_seed,
    info_row,
    load_images,
    new_result,
    progress,
)
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:
    from scratchdl.keras.models import Sequential  # annotations only

NAME = "convnet"
TITLE = "Convolutional networks: the book's SimpleConvNet and a Keras CNN on MNIST"
BOOK_PUBLISHED = 0.989  # the book repository's 2016 ch07/params.pkl, re-scored
KERAS_PUBLISHED = 0.9922  # keras-io mnist_convnet, tf.keras, 15 epochs


@dataclass(frozen=True)
class Config:
    """book_*: the Trainer run (n_train None = all 60 000); keras_*: the keras-io run."""

    book_epochs: int = 20
    book_n_train: int | None = None
    book_eval_samples: int = 1000
    keras_epochs: int = 15
    keras_n_train: int | None = None
    batch_size: int = 128
    validation_split: float = 0.1
    n_test: int | None = None
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(self, book_epochs=2, book_n_train=1000, book_eval_samples=200,
                                   keras_epochs=1, keras_n_train=2000, n_test=1000)  # fmt: skip


def _images(config, n_train, channels_first):
    (x, y), (xt, yt) = load_images(config.dataset, True, n_train, config.n_test)
    shape = (1, 28, 28) if channels_first else (28, 28, 1)
    return (x.reshape((-1,) + shape), y), (xt.reshape((-1,) + shape), yt)


def train_book(config: Config, rng: np.random.Generator) -> dict:
    """The book's SimpleConvNet with its Trainer; the conv filters before and after."""
    from scratchdl.book.ch07.simple_convnet import SimpleConvNet
    from scratchdl.book.common.trainer import Trainer

    (x, y), (xt, yt) = _images(config, config.book_n_train, channels_first=True)
    x, xt = x.astype(np.float64), xt.astype(np.float64)
    network = SimpleConvNet(rng=child_seed(rng))
    before = network.params["W1"].copy()
    trainer = Trainer(network, x, y, xt, yt, epochs=config.book_epochs, mini_batch_size=100,
                      optimizer="Adam", optimizer_param={"lr": 0.001},
                      evaluate_sample_num_per_epoch=config.book_eval_samples, verbose=False,
                      rng=child_seed(rng))  # fmt: skip
    with Timer() as timer:
        trainer.train()
    test_acc = float(network.accuracy(xt, yt))
    progress(NAME, f"SimpleConvNet: test acc {test_acc:.4f} ({timer.seconds:.1f} s)")
    return {"test_acc": test_acc, "train_acc": [float(a) for a in trainer.train_acc_list],
            "test_acc_list": [float(a) for a in trainer.test_acc_list],
            "filters_before": before[:, 0].tolist(),
            "filters_after": network.params["W1"][:, 0].tolist()}  # fmt: skip


def keras_cnn(seed: int) -> Sequential:
    from scratchdl.keras import layers as L
    from scratchdl.keras.models import Sequential  # annotations only

    model = Sequential([
        L.Input(shape=(28, 28, 1)),
        L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)),
        L.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)),
        L.Flatten(),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ], seed=seed)  # fmt: skip
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def train_keras(config: Config, rng: np.random.Generator) -> dict:
    """keras-io's convnet: fit with validation_split, then evaluate on the test set."""
    from scratchdl.keras.utils import to_categorical

    (x, y), (xt, yt) = _images(config, config.keras_n_train, channels_first=False)
    model = keras_cnn(child_seed(rng))
    with Timer() as timer:
        history = model.fit(x, to_categorical(y, 10), batch_size=config.batch_size,
                            epochs=config.keras_epochs, validation_split=config.validation_split,
                            verbose=0).history  # fmt: skip
    loss, acc = model.evaluate(xt, to_categorical(yt, 10), verbose=0)
    progress(NAME, f"Keras CNN: test acc {acc:.4f} ({timer.seconds:.1f} s)")
    return {"history": {k: [float(v) for v in vals] for k, vals in history.items()},
            "test_acc": float(acc), "test_loss": float(loss),
            "params": int(model.count_params())}  # fmt: skip


def run(config: Config, rng: np.random.Generator) -> Result:
    book, keras = train_book(config, rng), train_keras(config, rng)
    rows = [
        check_row("SimpleConvNet test accuracy (book setup)",
                  f"{BOOK_PUBLISHED} (book repository, 2016 weights)", book["test_acc"],
                  ">= 0.98", book["test_acc"] >= 0.98),
        info_row("SimpleConvNet epochs", config.book_epochs, "20"),
        check_row("Keras CNN test accuracy", f"{KERAS_PUBLISHED} (keras-io, tf.keras)",
                  keras["test_acc"], ">= 0.985", keras["test_acc"] >= 0.985),
        check_row("Keras CNN parameters", "34826 (tf.keras summary)", keras["params"],
                  "equal", keras["params"] == 34826),
        info_row("Keras CNN epochs", config.keras_epochs, "15"),
    ]  # fmt: skip
    return new_result(NAME, config, rows, {"book": book, "keras": keras})


def plot_filters(path: str | os.PathLike, before: ArrayLike, after: ArrayLike) -> Path:
    """The book's filter figure: the first layer's filters, before and after training."""
    from scratchdl.lab.plotting import pyplot, save_figure

    plt = pyplot()
    before, after = np.asarray(before), np.asarray(after)
    n, cols = len(before), 10
    rows = -(-n // cols)
    fig, axes = plt.subplots(2 * rows, cols, figsize=(cols * 0.9, 2 * rows * 0.95 + 0.6))
    for block, (title, filters) in enumerate((("before training", before), ("after", after))):
        for i in range(rows * cols):
            ax = axes[block * rows + i // cols, i % cols]
            ax.set_xticks([]), ax.set_yticks([])
            if i < n:
                ax.imshow(filters[i], cmap="gray_r", interpolation="nearest")
            else:
                ax.axis("off")
        axes[block * rows, 0].set_title(title, loc="left", fontsize=9)
    return save_figure(fig, path)


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """filters.png (conv1 before/after) and curves.png (book per-epoch, Keras per-epoch)."""
    from scratchdl.lab.plotting import plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    book, keras = result.data["book"], result.data["keras"]
    figures = [plot_filters(out / "filters.png", book["filters_before"], book["filters_after"])]
    e_book = list(range(len(book["train_acc"])))
    h = keras["history"]
    e_keras = list(range(1, len(h["accuracy"]) + 1))
    panels = [
        {"title": "SimpleConvNet (book Trainer)", "xlabel": "epoch", "lines": [
            {"x": e_book, "y": book["train_acc"], "label": "train"},
            {"x": e_book, "y": book["test_acc_list"], "label": "test", "style": "--"}]},
        {"title": "Keras CNN", "xlabel": "epoch", "lines": [
            {"x": e_keras, "y": h["accuracy"], "label": "train"},
            {"x": e_keras, "y": h["val_accuracy"], "label": "validation", "style": "--"}]},
    ]  # fmt: skip
    figures.append(plot_lines(out / "curves.png", panels, ncols=2))
    return write_report(result, out, TITLE, figures)
