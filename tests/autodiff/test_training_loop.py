"""Training with the tape: an MLP's tape gradients against a hand derivation, and the
from-scratch MNIST training loop program (tests/programs/autodiff) on a small subset."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import scratchdl.tensorflow as tf

PROGRAM = (
    Path(__file__).resolve().parents[1]
    / "programs"
    / "autodiff"
    / "mnist_training_loop_from_scratch.py"
)


def test_mlp_tape_gradients_equal_the_hand_written_backward(rng):
    x = rng.standard_normal((8, 5))
    t = rng.integers(0, 3, size=8)
    W1, b1 = tf.Variable(rng.standard_normal((5, 4))), tf.Variable(rng.standard_normal(4))
    W2, b2 = tf.Variable(rng.standard_normal((4, 3))), tf.Variable(rng.standard_normal(3))
    with tf.GradientTape() as tape:
        h = tf.nn.relu(x @ W1 + b1)
        logits = tf.matmul(h, W2) + b2
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(t, logits))
    grads = tape.gradient(loss, [W1, b1, W2, b2])

    # the same network by hand, as the book's two-layer net does it
    a1 = x @ W1.numpy() + b1.numpy()
    h = np.maximum(a1, 0)
    z = h @ W2.numpy() + b2.numpy()
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - np.eye(3)[t]) / len(t)
    da1 = (dz @ W2.numpy().T) * (a1 > 0)
    expected = [x.T @ da1, da1.sum(axis=0), h.T @ dz, dz.sum(axis=0)]
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def run(*args):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, str(PROGRAM), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def number(out, label):
    match = re.search(rf"^{re.escape(label)}: (\S+)$", out, flags=re.MULTILINE)
    assert match, f"no line {label!r} in:\n{out}"
    return float(match.group(1))


def test_the_program_imports_only_the_tf_face():
    for line in PROGRAM.read_text().splitlines():
        if line.startswith(("import ", "from ")):
            module = line.split()[1]
            assert module in ("sys", "numpy") or module.startswith(
                ("scratchdl.tensorflow", "scratchdl.keras")
            ), line


@pytest.mark.slow  # ~4 s: a subprocess (one BLAS thread) that loads MNIST
def test_the_training_loop_learns_mnist_on_a_small_subset():
    out = run(3000, 1000, 3)
    losses = [float(v) for v in re.findall(r"^epoch \d+: loss (\S+)", out, flags=re.MULTILINE)]
    assert len(losses) == 3 and losses[0] > losses[1] > losses[2]  # reset per epoch
    assert number(out, "val accuracy") > 0.85  # chance is 0.10
    assert number(out, "test accuracy") > 0.80


@pytest.mark.slow
def test_the_training_loop_on_all_of_mnist():
    out = run()
    assert number(out, "test accuracy") >= 0.96
