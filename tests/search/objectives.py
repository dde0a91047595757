"""Cheap training functions for the search tests (module level: worker processes import them).

``bowl`` is a deterministic function of lr with a few fake epochs: the accuracy peaks at
lr = 10**-2.5 and rises with the epochs, like the book's good trials. ``Paced`` sleeps per epoch
so several worker processes overlap; its optional barrier makes every worker's first trial wait
until ``barrier`` workers have started one, so "trials from both workers" cannot depend on how
fast the processes happened to start.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def bowl_acc(lr: float, epoch: int, epochs: int) -> float:
    """Accuracy of the fake model after ``epoch`` of ``epochs`` epochs."""
    peak = 1.0 - abs(np.log10(lr) + 2.5) / 4.0
    return float(np.clip(peak * (0.5 + 0.5 * epoch / epochs), 0.0, 1.0))


def bowl(params, report, rng, epochs: int = 6):
    acc = 0.0
    for epoch in range(1, epochs + 1):
        acc = bowl_acc(params["lr"], epoch, epochs)
        report(epoch, acc, min(1.0, acc + 0.05))
    return acc


@dataclass(frozen=True)
class Paced:
    """bowl() with ``seconds`` of sleep per epoch, and an optional start barrier."""

    seconds: float = 0.05
    epochs: int = 3
    barrier_dir: str | None = None
    barrier: int = 2

    def _wait_for_peers(self) -> None:
        folder = Path(self.barrier_dir)
        mine = folder / f"started-{os.getpid()}"
        if mine.exists():
            return
        mine.touch()
        deadline = time.monotonic() + 60.0
        while len(list(folder.glob("started-*"))) < self.barrier:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {list(folder.glob('started-*'))} workers started")
            time.sleep(0.02)

    def __call__(self, params, report, rng):
        if self.barrier_dir is not None:
            self._wait_for_peers()
        acc = 0.0
        for epoch in range(1, self.epochs + 1):
            time.sleep(self.seconds)
            acc = bowl_acc(params["lr"], epoch, self.epochs)
            report(epoch, acc, min(1.0, acc + 0.05))
        return acc


def logistic(params, report, rng, epochs: int = 5):
    """A tiny NumPy softmax regression on two Gaussian blobs, trained by SGD with L2 decay."""
    x = np.concatenate([rng.normal(-1.0, 1.0, (60, 2)), rng.normal(1.0, 1.0, (60, 2))])
    t = np.repeat([0, 1], 60)
    perm = rng.permutation(120)
    x, t = x[perm], t[perm]
    W = rng.normal(0.0, 0.01, (2, 2))
    for epoch in range(1, epochs + 1):
        for i in range(0, 80, 20):
            xb, tb = x[i : i + 20], t[i : i + 20]
            z = xb @ W
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(tb)), tb] -= 1.0
            W -= params["lr"] * (xb.T @ p / len(tb) + params["weight_decay"] * W)
        train = float(np.mean(np.argmax(x[:80] @ W, axis=1) == t[:80]))
        val = float(np.mean(np.argmax(x[80:] @ W, axis=1) == t[80:]))
        report(epoch, val, train)
    return val
