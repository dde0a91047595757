"""What the GradientTape costs on a small MLP step (W1's shape: 784-50-50-10 sigmoid, batch 100).

Times per step, the best of interleaved repeats, on random float32 data:

  forward, no tape      the tensor-op forward pass with no tape active
  forward, recording    the same pass inside ``with GradientTape()``
  tape step             recording forward + tape.gradient + an SGD update
  hand-written step     forward + hand-derived backward + update in plain NumPy

Run: ``uv run python -m benchmarks.tape_overhead`` (one BLAS thread is fairest:
``OPENBLAS_NUM_THREADS=1``).
"""

from __future__ import annotations

import time

import numpy as np

import scratchdl.tensorflow as tf

SIZES, BATCH, STEPS, REPEATS = (784, 50, 50, 10), 100, 100, 15


def make_params(rng):
    pairs = zip(SIZES[:-1], SIZES[1:])
    return [
        tf.Variable(a, dtype=np.float32)
        for n_in, n_out in pairs
        for a in (rng.standard_normal((n_in, n_out)) * np.sqrt(1 / n_in), np.zeros(n_out))
    ]


def forward(params, x, t):
    W1, b1, W2, b2, W3, b3 = params
    h = tf.sigmoid(tf.matmul(x, W1) + b1)
    h = tf.sigmoid(tf.matmul(h, W2) + b2)
    logits = tf.matmul(h, W3) + b3
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(t, logits))


def tape_step(params, x, t, lr=0.01):
    with tf.GradientTape() as tape:
        loss = forward(params, x, t)
    for w, g in zip(params, tape.gradient(loss, params)):
        w.assign_sub(lr * g)


def recording_forward(params, x, t):
    with tf.GradientTape():
        forward(params, x, t)


def hand_step(arrays, x, t, lr=0.01):
    W1, b1, W2, b2, W3, b3 = arrays
    h1 = 1 / (1 + np.exp(-(x @ W1 + b1)))
    h2 = 1 / (1 + np.exp(-(h1 @ W2 + b2)))
    z = h2 @ W3 + b3
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = p
    dz[np.arange(len(t)), t] -= 1
    dz /= len(t)
    da2 = (dz @ W3.T) * h2 * (1 - h2)
    da1 = (da2 @ W2.T) * h1 * (1 - h1)
    grads = [x.T @ da1, da1.sum(0), h1.T @ da2, da2.sum(0), h2.T @ dz, dz.sum(0)]
    for a, g in zip(arrays, grads):
        a -= lr * g


def per_step(cases):
    """Seconds per step for each (name, fn, args): the best of REPEATS interleaved
    runs, since on a shared machine other work only ever adds time."""
    best = {name: float("inf") for name, _, _ in cases}
    for _ in range(REPEATS):
        for name, fn, args in cases:
            start = time.perf_counter()
            for _ in range(STEPS):
                fn(*args)
            best[name] = min(best[name], (time.perf_counter() - start) / STEPS)
    return list(best.items())


def main():
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
    t = rng.integers(0, SIZES[-1], size=BATCH)
    params = make_params(rng)
    arrays = [p.numpy() for p in params]
    rows = per_step(
        [
            ("forward, no tape", forward, (params, x, t)),
            ("forward, recording", recording_forward, (params, x, t)),
            ("tape step", tape_step, (params, x, t)),
            ("hand-written step", hand_step, (arrays, x, t)),
        ]
    )
    for name, seconds in rows:
        print(f"{name:<20} {seconds * 1e6:9.1f} us/step")
    print(f"recording overhead on the forward: {rows[1][1] / rows[0][1] - 1:+.1%}")
    print(f"tape step / hand-written step: {rows[2][1] / rows[3][1]:.2f}x")


if __name__ == "__main__":
    main()
