"""The machine's float32 GEMM speed: the peak, and the floor of each workload.

The *floor* of a workload is the time its matrix products alone take per epoch:
for each layer a forward ``x @ W`` and a backward ``x.T @ dz``, plus ``dz @ W.T``
for every layer but the first, at the workload's batch size, timed with
preallocated outputs and multiplied by the number of steps.  No library can
train faster than its floor; ``floor / epoch time`` says how close one gets.
"""

from __future__ import annotations

import math
import time

import numpy as np

from benchmarks.workloads import WORKLOADS, layer_sizes


def _best_time(fn, repeats=7, inner=20):
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def gemm_peak(n=2048):
    """GFLOP/s of one n x n x n float32 product (best of several)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), np.float32), rng.random((n, n), np.float32)
    out = np.empty((n, n), np.float32)
    t = _best_time(lambda: np.matmul(a, b, out=out), repeats=3, inner=2)
    return 2 * n**3 / t / 1e9


def _step_products(sizes, batch):
    """(m, k, n) of every product of one training step."""
    shapes = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes.append((batch, a, b))  # forward x @ W
        shapes.append((a, batch, b))  # dW = x.T @ dz
        if i > 0:
            shapes.append((batch, b, a))  # dx = dz @ W.T
    return shapes


def workload_floor(name, n_samples=60000):
    """(seconds per epoch of GEMMs alone, GFLOP/s achieved on those shapes)."""
    w = WORKLOADS[name]
    sizes = layer_sizes(w)
    rng = np.random.default_rng(0)
    n = w.n_train or n_samples
    steps = [min(w.batch_size, n - s) for s in range(0, n, w.batch_size)]
    total, flops = 0.0, 0.0
    for batch in sorted(set(steps)):
        count = steps.count(batch)
        for m, k, nn in _step_products(sizes, batch):
            a, b = rng.random((m, k), np.float32), rng.random((k, nn), np.float32)
            out = np.empty((m, nn), np.float32)
            t = _best_time(lambda a=a, b=b, out=out: np.matmul(a, b, out=out))
            total += t * count
            flops += 2 * m * k * nn * count
    per_run = total * w.epochs_per_run
    if name == "W5":  # 24 000 steps of batch 100 instead of epochs
        per_run = total / len(steps) * 24000
    return per_run, flops / total / 1e9
