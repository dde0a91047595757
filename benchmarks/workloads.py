"""The benchmark workloads W1-W5 and their data (MNIST, float32 in [0, 1]).

W1  784-50-50-10 sigmoid, SGD 0.01, batch 100, full MNIST (seconds per epoch)
W2  W1 with BatchNormalization after each hidden Dense
W3  784-64-128-256-128-64-10 ReLU, Adam 1e-3, batch 32
W4  784-100x6-10 ReLU on 300 samples, SGD 0.01, batch 100, 200 epochs (seconds per run)
W5  book TwoLayerNet 784-50-10 sigmoid, lr 0.1, batch 100, 24 000 iterations (seconds per run)
W1F W1 built with the functional API (keras.Input + keras.Model): scratchdl only, beside W1
W1L W1 whose loss is a function written with tf ops (the tape gives its gradient): scratchdl only
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    hidden: tuple
    activation: str
    optimizer: str
    lr: float
    batch_size: int
    batchnorm: bool = False
    n_train: int | None = None  # None: all 60 000
    epochs_per_run: int = 1  # W4: 200 epochs make one timed run
    unit: str = "s/epoch"
    style: str = "sequential"  # "functional" (W1F) or "tf_loss" (W1L): scratchdl variants


WORKLOADS = {
    "W1": Workload("W1", (50, 50), "sigmoid", "sgd", 0.01, 100),
    "W2": Workload("W2", (50, 50), "sigmoid", "sgd", 0.01, 100, batchnorm=True),
    "W3": Workload("W3", (64, 128, 256, 128, 64), "relu", "adam", 1e-3, 32),
    "W4": Workload(
        "W4",
        (100,) * 6,
        "relu",
        "sgd",
        0.01,
        100,
        n_train=300,
        epochs_per_run=200,
        unit="s/run (200 epochs)",
    ),
    "W5": Workload("W5", (50,), "sigmoid", "sgd", 0.1, 100, unit="s/run (24000 it)"),
    "W1F": Workload("W1F", (50, 50), "sigmoid", "sgd", 0.01, 100, style="functional"),
    "W1L": Workload("W1L", (50, 50), "sigmoid", "sgd", 0.01, 100, style="tf_loss"),
}
VARIANTS = ("W1F", "W1L")  # scratchdl-only workloads, compared with W1 in the same run


def load_mnist_float32(n_train=None):
    """(x_train, y_train, x_test, y_test): x float32 in [0, 1] flattened, y int64."""
    from scratchdl.datasets import mnist

    (x, y), (xt, yt) = mnist.load_data()
    if n_train is not None:
        x, y = x[:n_train], y[:n_train]
    scale = np.float32(1 / 255)
    x = x.reshape(len(x), -1).astype(np.float32) * scale
    xt = xt.reshape(len(xt), -1).astype(np.float32) * scale
    return x, y.astype(np.int64), xt, yt.astype(np.int64)


def layer_sizes(w: Workload):
    return (784,) + tuple(w.hidden) + (10,)
