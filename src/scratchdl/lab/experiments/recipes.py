"""Training recipes and figure panels several experiments share.

* ``keras_classifier``: the seed notes' Keras-face MLP on flat 28x28 images,
  InputLayer(784) -> [Dense(n, activation) (-> after())] per n -> Dense(10, softmax);
* ``fit_on_test``: ``model.fit`` with the test set as validation data, silent;
* ``book_loss_curve`` / ``tail_mean``: the book's ch06 comparison loop (mini-batches drawn
  with replacement, one optimizer update each, the mini-batch loss recorded) and the mean
  of its last losses (one mini-batch loss is noisy);
* ``train_test_panel``: a ``plot_lines`` panel with train (solid) and test (dashed).

Keras-face and plotting modules are imported inside the functions, so importing an
experiment stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only
    from scratchdl.lab.experiments.common import TrainTest
    from scratchdl.layers.base import Layer
    from scratchdl.models.sequential import Sequential

__all__ = ["book_loss_curve", "fit_on_test", "keras_classifier", "tail_mean", "train_test_panel"]


def keras_classifier(
    units: Sequence[int],
    activation: str,
    seed: int,
    after: Callable[[], Layer] | None = None,
    **dense_options: Any,
) -> Sequential:
    """Uncompiled Sequential: InputLayer(784) -> Dense(n, activation) per n -> Dense(10, softmax).

    Args:
        units: the hidden widths, e.g. (64, 128, 256, 128, 64).
        activation: the hidden layers' activation name.
        seed: the model's seed (weights, dropout masks, shuffling).
        after: None, or a function returning a layer added after every hidden Dense
            (a Dropout or BatchNormalization).
        dense_options: more keywords for every hidden Dense (``kernel_regularizer`` ...).
    """
    from scratchdl.keras.layers import Dense, InputLayer
    from scratchdl.keras.models import Sequential

    model = Sequential(seed=seed)
    model.add(InputLayer(input_shape=(784,)))
    for n in units:
        model.add(Dense(n, activation=activation, **dense_options))
        if after is not None:
            model.add(after())
    model.add(Dense(10, activation="softmax"))
    return model


def fit_on_test(
    model: Any, data: TrainTest, epochs: int, batch_size: int, callbacks: list[Any] | None = None
) -> dict:
    """``model.fit`` on the training pair with the test pair as validation data; the history.

    ``data`` is ``((x, y), (x_test, y_test))``; returns ``History.history`` (val_* = test).
    """
    (x, y), (xt, yt) = data
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=(xt, yt),
                        callbacks=callbacks, verbose=0)  # fmt: skip
    return history.history


def book_loss_curve(
    net: Any,
    optimizer: Any,
    x: np.ndarray,
    t: np.ndarray,
    iters: int,
    batch_size: int,
    rng: np.random.Generator,
) -> list[float]:
    """The book's comparison loop: ``iters`` times draw a mini-batch, update, record its loss.

    mask = rng.choice(N, batch_size) (with replacement); params -= update(gradient(x[mask]));
    loss(x[mask], t[mask]) after the update, as ch06 ``optimizer_compare_mnist.py`` and
    ``weight_init_compare.py`` record it.
    """
    losses = []
    for _ in range(iters):
        mask = rng.choice(len(x), batch_size)
        optimizer.update(net.params, net.gradient(x[mask], t[mask]))
        losses.append(float(net.loss(x[mask], t[mask])))
    return losses


def tail_mean(losses: Sequence[float], n: int = 100) -> float:
    """mean(losses[-n:]): a steadier number than the book's single mini-batch loss."""
    return float(np.mean(losses[-n:]))


def train_test_panel(
    title: str, train: Sequence[float], test: Sequence[float], xlabel: str = "epoch"
) -> dict:
    """A ``plot_lines`` panel: accuracy (0..1) per epoch, train solid and test dashed."""
    return {"title": title, "xlabel": xlabel, "ylabel": "accuracy", "ylim": (0, 1), "lines": [
        {"y": train, "label": "train"},
        {"y": test, "label": "test", "style": "--"},
    ]}  # fmt: skip
