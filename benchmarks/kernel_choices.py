"""Micro-measurements behind the engine's small kernel choices (writes benchmarks/KERNELS.md).

Each row times the plain NumPy spelling against the one the engine uses, on the batch
shapes students train (best of many runs, one BLAS thread), and checks they agree.
Run: ``PYTHONPATH=. uv run python -m benchmarks.kernel_choices``.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from scratchdl import kernels

HERE = Path(__file__).resolve().parent


def _best_us(fn, number=2000, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def _cases(rng):
    z = rng.standard_normal((100, 100)).astype(np.float32)
    a50 = rng.standard_normal((100, 50)).astype(np.float32)
    logits = rng.standard_normal((100, 10)).astype(np.float32)
    x = rng.standard_normal((60000, 784)).astype(np.float32)[:1000]
    idx = rng.permutation(len(x))[:100]
    buf = np.empty((100, 784), np.float32)
    w = rng.standard_normal((100, 100)).astype(np.float32)
    wt = np.ascontiguousarray(w.T)
    zeros = kernels.zeros_like(z)
    return [
        (
            "ReLU: np.maximum(z, 0) vs np.maximum(z, zeros)",
            "(100, 100) f32",
            lambda: np.maximum(z, 0),
            lambda: np.maximum(z, zeros),
        ),
        (
            "bias grad: a.sum(axis=0) vs ones @ a (batch_sum)",
            "(100, 100) f32",
            lambda: z.sum(axis=0),
            lambda: kernels.batch_sum(z),
        ),
        (
            "BN sums: a.sum(axis=0) vs batch_sum",
            "(100, 50) f32",
            lambda: a50.sum(axis=0),
            lambda: kernels.batch_sum(a50),
        ),
        (
            "softmax row sum: np.sum(z, -1) vs z @ ones",
            "(100, 10) f32",
            lambda: np.sum(logits, axis=-1, keepdims=True),
            lambda: kernels.last_axis_sum(logits),
        ),
        (
            "softmax row max: np.max(z, -1) vs z[i, argmax]",
            "(100, 10) f32",
            lambda: np.max(logits, axis=-1, keepdims=True),
            lambda: kernels.last_axis_max(logits),
        ),
        (
            "batch gather: x[idx] vs np.take(out=buf, mode='clip')",
            "100 of (1000, 784) f32",
            lambda: x[idx],
            lambda: np.take(x, idx, axis=0, out=buf, mode="clip"),
        ),
        (
            "Dense dx: dz @ W.T vs copy W.T + dz @ Wt",
            "(100, 100) f32",
            lambda: z @ w.T,
            lambda: (np.copyto(wt, w.T), z @ wt),
        ),
    ]


def main() -> int:
    rng = np.random.default_rng(0)
    rows = []
    with threadpool_limits(1):
        for name, shape, plain, chosen in _cases(rng):
            t_plain, t_chosen = _best_us(plain), _best_us(chosen)
            rows.append(
                f"| {name} | {shape} | {t_plain:.2f} | {t_chosen:.2f} | {t_plain / t_chosen:.2f} |"
            )
    text = "\n".join([
        "# Kernel choices (micro-measurements)",
        "",
        "Written by `python -m benchmarks.kernel_choices`: best of 7 x 2000 calls, one BLAS "
        "thread, this machine only; compare ratios, not absolute times. The engine's "
        "docstrings cite this file for the choices below.",
        "",
        "| choice | shape | plain (µs) | engine (µs) | plain / engine |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "Threads: at batch 32-128 one BLAS thread is as fast as two, and two collapse when "
        "another process shares the cores (OpenBLAS spin-waits; see RESULTS.md and "
        "PEERS.md), so training runs with one thread by default.",
    ])  # fmt: skip
    (HERE / "KERNELS.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
