"""activations-optimizers: sigmoid vs ReLU, SGD vs Adam; the book's six optimizers.

Part 1 (seed 002, Keras): InputLayer(28x28) -> Flatten -> Dense 64-128-256-128-64 -> Dense(10,
softmax), ``sparse_categorical_crossentropy``, ``fit(X_train, y_train, validation_split=0.2,
epochs=20)`` (batch 32), on the **raw** pixels 0..255 (the note never divides by 255):
sigmoid + 'SGD', relu + 'SGD', relu + SGD(learning_rate=0.001), relu + 'Adam'.  The note: with
ReLU and SGD at 0.01 "the loss does not go down", so it lowers the rate to 0.001.  On raw pixels
the ReLU net's first steps are huge; when the loss becomes NaN we report the divergence (and stop
that model, as ``TerminateOnNaN`` does).  Whether it fails depends on the initialisation, so
relu+SGD is also restarted from ``restarts`` fresh initialisations for one epoch each: the
check is how many of them diverge or stall.

Part 2 (the book, ch06 ``optimizer_compare_mnist.py``): MultiLayerNet(784, [100]*4, 10) (ReLU,
He), batch 128, 2000 iterations, SGD / Momentum / Nesterov / AdaGrad / RMSprop / Adam at their
defaults.  Recorded mini-batch loss at iteration 1900: SGD 0.1499, Momentum 0.0500, AdaGrad
0.0163, Adam 0.0319 -- the other three learn faster than SGD.  And ch06
``optimizer_compare_naive.py``: 30 updates on f(x, y) = x**2/20 + y**2 from (-7, 2) with SGD
lr 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3; SGD zig-zags, the others go more directly.
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
    info_row,
    load_images,
    new_result,
    progress,
    timed_runs,
)
from scratchdl.lab.experiments.recipes import book_loss_curve, keras_classifier, tail_mean
from scratchdl.lab.experiments.report import write_report

if TYPE_CHECKING:  # annotations only
    from scratchdl.models.sequential import Sequential

NAME = "activations-optimizers"
TITLE = "Activations and optimizers: sigmoid vs ReLU, SGD vs Adam, six optimizers"

VARIANTS = {  # name: (activation, optimizer, learning rate or None for the default)
    "sigmoid+SGD": ("sigmoid", "SGD", None),
    "relu+SGD": ("relu", "SGD", None),
    "relu+SGD(lr=0.001)": ("relu", "SGD", 0.001),
    "relu+Adam": ("relu", "Adam", None),
}
BOOK_OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam")
BOOK_LOSS_1900 = {"SGD": 0.1499, "Momentum": 0.0500, "AdaGrad": 0.0163, "Adam": 0.0319}
PATH_LRS = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.3,
            "Adam": 0.3}  # fmt: skip


@dataclass(frozen=True)
class Config:
    """Part 1: units, epochs, batch_size, validation_split, n_train/n_test, raw_pixels;
    restarts: extra one-epoch relu+SGD runs from fresh initialisations (how often it fails).
    Part 2: book_iters, book_batch; path_steps, path_start."""

    units: tuple[int, ...] = (64, 128, 256, 128, 64)
    epochs: int = 20
    batch_size: int = 32
    validation_split: float = 0.2
    n_train: int | None = None
    n_test: int | None = None
    raw_pixels: bool = True
    restarts: int = 6
    book_iters: int = 2000
    book_batch: int = 128
    path_steps: int = 30
    path_start: tuple[float, float] = (-7.0, 2.0)
    dataset: str = "mnist"

    def quick(self) -> Config:
        return dataclasses.replace(
            self, epochs=2, n_train=6000, n_test=2000, restarts=3, book_iters=200
        )


def keras_model(
    units: Sequence[int], activation: str, optimizer: str, lr: float, seed: int
) -> Sequential:
    """The note's 64-128-256-128-64 model, compiled with the given optimizer."""
    from scratchdl.keras import optimizers

    model = keras_classifier(units, activation, seed)
    opt = optimizer if lr is None else getattr(optimizers, optimizer)(learning_rate=lr)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
    return model


def train_variant(config: Config, variant: str, data: TrainTest, rng: np.random.Generator) -> dict:
    from scratchdl.keras.callbacks import TerminateOnNaN

    (x, y), (xt, yt) = data
    activation, optimizer, lr = VARIANTS[variant]
    model = keras_model(config.units, activation, optimizer, lr, child_seed(rng))
    with np.errstate(all="ignore"):
        history = model.fit(
            x, y, validation_split=config.validation_split, epochs=config.epochs,
            batch_size=config.batch_size, callbacks=[TerminateOnNaN()], verbose=0,
        ).history  # fmt: skip
        test_loss, test_acc = model.evaluate(xt, yt, verbose=0)
    losses = history["loss"]
    diverged = next((i + 1 for i, v in enumerate(losses) if not np.isfinite(v)), None)
    return {"history": history, "test_acc": float(test_acc), "diverged_epoch": diverged}


def book_mnist(config: Config, name: str, data: TrainTest, rng: np.random.Generator) -> list[float]:
    """optimizer_compare_mnist: mini-batch loss after each update."""
    from scratchdl import book

    (x, t), _ = data
    net = book.MultiLayerNet(784, [100] * 4, 10, rng=child_rng(rng))
    optimizer = getattr(book, name)()
    return book_loss_curve(net, optimizer, x, t, config.book_iters, config.book_batch, rng)


def optimizer_path(name: str, steps: int, start: tuple[float, float]) -> dict:
    """``steps`` updates of the book optimizer ``name`` on f(x, y) = x**2/20 + y**2."""
    from scratchdl import book

    params = {"x": np.array([start[0]]), "y": np.array([start[1]])}
    optimizer = getattr(book, name)(lr=PATH_LRS[name])
    xs, ys = [], []
    for _ in range(steps):
        xs.append(float(params["x"][0]))
        ys.append(float(params["y"][0]))
        grads = {"x": params["x"] / 10.0, "y": 2.0 * params["y"]}
        optimizer.update(params, grads)
    return {"x": xs, "y": ys, "end": [float(params["x"][0]), float(params["y"][0])]}


def run(config: Config, rng: np.random.Generator) -> Result:
    """Train the four Keras models, the six book nets, and trace the six paths."""
    data = load_images(config.dataset, not config.raw_pixels, config.n_train, config.n_test)
    keras = timed_runs(NAME, VARIANTS, lambda v: train_variant(config, v, data, rng),
                       _describe_keras)  # fmt: skip
    restarts = relu_sgd_restarts(config, data, rng)
    book_data = load_images(config.dataset, True, config.n_train, 1)
    book = timed_runs(NAME, BOOK_OPTIMIZERS, lambda name: book_mnist(config, name, book_data, rng),
                      _describe_book)  # fmt: skip
    paths = {n: optimizer_path(n, config.path_steps, config.path_start) for n in PATH_LRS}
    rows = _keras_rows(keras, restarts) + _book_rows(book) + _path_rows(paths)
    notes = [
        "Nesterov and RMSprop are not in the book's path figure; their rates (0.1, 0.3) are ours.",
        "Book losses: mean of the last 100 mini-batch losses (the book records one batch).",
    ]
    return new_result(NAME, config, rows, {"keras": keras, "relu_sgd_restarts": restarts,
                                           "book_loss": book, "paths": paths}, notes)  # fmt: skip


def _describe_keras(variant, r, seconds) -> str:
    state = f"diverged at epoch {r['diverged_epoch']}" if r["diverged_epoch"] else (
        f"val acc {r['history']['val_accuracy'][-1]:.4f}")  # fmt: skip
    return f"Keras {variant}: {state}, test acc {r['test_acc']:.4f} ({seconds:.1f} s)"


def _describe_book(name, losses, seconds) -> str:
    return (f"book {name}: loss {tail_mean(losses):.4f} "
            f"(mean of the last 100 iterations, {seconds:.1f} s)")  # fmt: skip


def relu_sgd_restarts(config: Config, data: TrainTest, rng: np.random.Generator) -> list:
    """First-epoch loss of relu+SGD (lr 0.01) from ``config.restarts`` fresh initialisations."""
    one_epoch = dataclasses.replace(config, epochs=1)
    losses = []
    for _ in range(config.restarts):
        r = train_variant(one_epoch, "relu+SGD", data, rng)
        losses.append(r["history"]["loss"][0])
    text = ", ".join("nan" if not np.isfinite(v) else f"{v:.3f}" for v in losses)
    progress(NAME, f"relu+SGD restarts, loss after one epoch: {text}")
    return losses


def _fails(loss: float) -> bool:
    """Diverged (NaN) or stalled (no better than the 2.30 of guessing among 10 classes)."""
    return not np.isfinite(loss) or loss >= 2.0


def _keras_rows(keras, restarts) -> list:
    rows = []
    r = keras["relu+SGD"]
    final_val = r["history"]["val_accuracy"][-1]
    ours = f"diverged (loss nan at epoch {r['diverged_epoch']})" if r["diverged_epoch"] else (
        f"val acc {final_val:.4f}")  # fmt: skip
    rows.append(info_row("relu+SGD (lr 0.01), raw pixels: the full run", ours,
                         "loss does not go down (seed 002)"))  # fmt: skip
    failed = sum(_fails(v) for v in restarts)
    rows.append(check_row(
        "relu+SGD (lr 0.01), raw pixels: fresh inits that diverge or stall in epoch 1",
        "loss does not go down (seed 002)", f"{failed} of {len(restarts)}",
        "at least half (NaN, or loss >= 2.0)", 2 * failed >= len(restarts),
    ))  # fmt: skip
    for variant in ("relu+SGD(lr=0.001)", "relu+Adam"):
        acc = keras[variant]["history"]["val_accuracy"][-1]
        rows.append(check_row(f"{variant}: final val accuracy", "learns (seed 002)", acc,
                              ">= 0.9", acc >= 0.9))  # fmt: skip
    rows.append(info_row("sigmoid+SGD: final val accuracy",
                         keras["sigmoid+SGD"]["history"]["val_accuracy"][-1]))  # fmt: skip
    return rows


def _book_rows(book) -> list:
    tails = {k: tail_mean(v) for k, v in book.items()}
    rows = [
        check_row(f"book {k}: loss near iteration 1900", f"{pub} (book)", tails[k],
                  "within 0.1", abs(tails[k] - pub) <= 0.1)
        for k, pub in BOOK_LOSS_1900.items()
    ]  # fmt: skip
    slowest = all(tails["SGD"] > tails[k] for k in ("Momentum", "AdaGrad", "Adam"))
    rows.append(check_row("book: SGD has the highest loss of the four", "yes (book)",
                          "yes" if slowest else "no", "same", slowest))  # fmt: skip
    return rows


def _path_rows(paths) -> list:
    ys = np.asarray(paths["SGD"]["y"])
    flips = int(np.sum(np.sign(ys[1:]) != np.sign(ys[:-1])))
    rows = [check_row("f(x,y): sign changes of y on SGD's path", "SGD zig-zags (book)", flips,
                      ">= half of the steps", flips >= len(ys) // 2)]  # fmt: skip
    for name, p in paths.items():
        rows.append(info_row(f"f(x,y): {name} distance to (0,0) after the steps",
                             float(np.hypot(*p["end"]))))  # fmt: skip
    return rows


def report(result: Result, out_dir: str | os.PathLike) -> list[Path]:
    """keras_curves.png, book_mnist_loss.png, optimizer_paths.png."""
    from scratchdl.book.util import smooth_curve
    from scratchdl.lab.plotting import plot_contour_paths, plot_lines

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panels = []
    for key in ("accuracy", "loss"):
        lines = []
        for variant, r in result.data["keras"].items():
            h = [v if isinstance(v, float) else float("nan") for v in r["history"][key]]
            hv = [v if isinstance(v, float) else float("nan") for v in r["history"]["val_" + key]]
            lines += [{"y": h, "label": f"{variant} train"},
                      {"y": hv, "label": f"{variant} val", "style": "--"}]  # fmt: skip
        panels.append({"title": key, "xlabel": "epoch", "lines": lines})
    figures = [plot_lines(out / "keras_curves.png", panels, ncols=2, size=(7, 4.5))]
    lines = [{"y": smooth_curve(np.asarray(v)), "label": k}
             for k, v in result.data["book_loss"].items()]  # fmt: skip
    panel = {"title": "book 4x100 ReLU net", "xlabel": "iteration", "ylabel": "loss (smoothed)",
             "ylim": (0, 1), "lines": lines}  # fmt: skip
    figures.append(plot_lines(out / "book_mnist_loss.png", [panel], size=(6, 4)))
    paths = {f"{k} (lr {PATH_LRS[k]})": (p["x"], p["y"]) for k, p in result.data["paths"].items()}
    figures.append(
        plot_contour_paths(
            out / "optimizer_paths.png", lambda x, y: x**2 / 20.0 + y**2, paths, ncols=3
        )
    )
    return write_report(result, out, TITLE, figures)
