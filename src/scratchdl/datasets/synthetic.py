"""Small generated datasets for fast unit tests and classroom demos.

Every function takes ``rng`` (an ``np.random.Generator`` or an int seed): the same seed gives
the same data, bit for bit. Inputs are float32 (N, features); class labels are int64 (N,)
(pass them through to_categorical for one-hot targets).
"""

from __future__ import annotations

import numpy as np

from scratchdl.datasets.utils import as_generator

__all__ = ["regression", "spirals", "two_moons", "xor"]


def _check_positive(name: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
    return int(value)


def _check_noise(noise) -> float:
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, received noise={noise!r}")
    return float(noise)


def spirals(
    n_per_class: int = 100,
    n_classes: int = 3,
    noise: float = 0.2,
    rng: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n toy problem).

    Forward: for class k and t in [0, 1): r = t, theta = 4 t + 2 pi k / n_classes
    + noise * N(0, 1); x = (r sin theta, r cos theta).

    Returns:
        ``(x float32 (n_per_class * n_classes, 2), y int64)``, classes in blocks.
    """
    n_per_class = _check_positive("n_per_class", n_per_class)
    n_classes = _check_positive("n_classes", n_classes)
    noise, rng = _check_noise(noise), as_generator(rng)
    t = np.tile(np.linspace(0.0, 1.0, n_per_class, endpoint=False), n_classes)
    y = np.repeat(np.arange(n_classes), n_per_class)
    theta = 4.0 * t + 2.0 * np.pi * y / n_classes + noise * rng.standard_normal(t.size)
    x = np.stack([t * np.sin(theta), t * np.cos(theta)], axis=1)
    return x.astype(np.float32), y.astype(np.int64)


def xor(
    n: int = 200, noise: float = 0.1, rng: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """XOR: points around the four corners of the unit square, label = x0 XOR x1.

    Forward: corner c ~ uniform{0,1}^2, x = c + noise * N(0, I), y = c0 xor c1.

    Returns:
        ``(x float32 (n, 2), y int64 (n,))``; not linearly separable.
    """
    n, noise, rng = _check_positive("n", n), _check_noise(noise), as_generator(rng)
    corners = rng.integers(0, 2, size=(n, 2))
    x = corners + noise * rng.standard_normal((n, 2))
    return x.astype(np.float32), (corners[:, 0] ^ corners[:, 1]).astype(np.int64)


def two_moons(
    n: int = 200, noise: float = 0.1, rng: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons), shuffled.

    Forward: class 0: (cos s, sin s); class 1: (1 - cos s, 0.5 - sin s), s in [0, pi];
    then + noise * N(0, I).

    Returns:
        ``(x float32 (n, 2), y int64 (n,))`` with n // 2 points in class 0.
    """
    n, noise, rng = _check_positive("n", n), _check_noise(noise), as_generator(rng)
    n0 = n // 2
    s0, s1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    upper = np.stack([np.cos(s0), np.sin(s0)], axis=1)
    lower = np.stack([1.0 - np.cos(s1), 0.5 - np.sin(s1)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    p = rng.permutation(n)
    return x[p].astype(np.float32), y[p]


def regression(
    n: int = 200,
    n_features: int = 1,
    noise: float = 0.1,
    rng: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A smooth non-linear regression target.

    Forward: x ~ U(-1, 1)^(n, n_features); w = linspace(1, 2, n_features);
    y = sin(pi * x @ w / n_features) + 0.5 * x[:, 0]^2 + noise * N(0, 1).

    Returns:
        ``(x float32 (n, n_features), y float32 (n, 1))`` (column targets, as Dense(1) outputs).
    """
    n = _check_positive("n", n)
    n_features = _check_positive("n_features", n_features)
    noise, rng = _check_noise(noise), as_generator(rng)
    x = rng.uniform(-1.0, 1.0, size=(n, n_features))
    w = np.linspace(1.0, 2.0, n_features)
    y = np.sin(np.pi * (x @ w) / n_features) + 0.5 * x[:, 0] ** 2
    y = y + noise * rng.standard_normal(n)
    return x.astype(np.float32), y.reshape(n, 1).astype(np.float32)
