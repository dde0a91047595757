"""The plain math of the training losses: read this before ``crossentropy.py``.

Pure functions of arrays, the book's way (chapter 4 "cross_entropy_error", chapter
5 "SoftmaxWithLoss"), with the Keras conventions the engine follows:

* y holds the predictions, t the targets, both (N, C) (one row per sample); sparse
  labels k are integers of shape (N,);
* each loss is a mean over the N samples (Keras's default reduction
  ``sum_over_batch_size``), so every gradient carries a factor 1/N;
* probabilities are clipped to [EPSILON, 1 - EPSILON], EPSILON = 1e-7, before the
  log (Keras), and the clipped entries get no gradient.

The loss objects (``CategoricalCrossentropy``, ``SparseCategoricalCrossentropy``,
``BinaryCrossentropy``, ``MeanSquaredError``) compute the same numbers, plus sample
weights and the other reductions; ``tests/test_plain_twins_*.py`` pins them together.

Written for reading and for the float64 tests: they make no effort to keep float32
(some return float64 for float32 input); train with the engine.
"""

from __future__ import annotations

import numpy as np

from scratchdl.activations.plain import log_softmax, sigmoid, softmax

__all__ = [
    "EPSILON",
    "softmax",
    "one_hot",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "sparse_categorical_crossentropy",
    "softmax_crossentropy_grad",
    "categorical_crossentropy_from_logits",
    "categorical_crossentropy_from_logits_grad",
    "binary_crossentropy",
    "binary_crossentropy_grad",
    "sigmoid_binary_crossentropy_grad",
    "binary_crossentropy_from_logits",
    "mean_squared_error",
    "mean_squared_error_grad",
]

EPSILON = 1e-7


def one_hot(k: np.ndarray, C: int) -> np.ndarray:
    """Integer labels k (N,) as one-hot rows (N, C): ``t[i, k[i]] = 1``."""
    return np.eye(C)[k]


# -- categorical cross-entropy ---------------------------------------------------------


def categorical_crossentropy(y: np.ndarray, t: np.ndarray) -> np.floating:
    """L = -1/N sum_i sum_c t_ic log(clip(q_ic, EPSILON, 1 - EPSILON)), q = y / sum_c y.

    Keras first rescales each row of y to sum to 1 (q = y for a softmax output).
    """
    N = y.shape[0]
    q = y / np.sum(y, axis=-1, keepdims=True)
    return -np.sum(t * np.log(np.clip(q, EPSILON, 1 - EPSILON))) / N


def categorical_crossentropy_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dy for ``categorical_crossentropy`` (no softmax fused in).

    With s = sum_c y_c and q = y / s (per row), the chain rule through the rescaling::

        g     = -t / q / N             (0 where q was clipped)
        dL/dy = (g - sum_c(g_c q_c)) / s

    For rows that already sum to 1 this is ``-t / y / N + sum_c(t_c) / N``.
    """
    N = y.shape[0]
    s = np.sum(y, axis=-1, keepdims=True)
    q = y / s
    inside = (q > EPSILON) & (q < 1 - EPSILON)
    g = np.where(inside, -t / np.clip(q, EPSILON, 1 - EPSILON), 0.0) / N
    return (g - np.sum(g * q, axis=-1, keepdims=True)) / s


def sparse_categorical_crossentropy(y: np.ndarray, k: np.ndarray) -> np.floating:
    """The categorical cross-entropy with integer labels: t = one_hot(k).

    ``L = -1/N sum_i log(clip(y[i, k_i] / sum_c y_ic, EPSILON, 1 - EPSILON))``.
    Its gradient is ``categorical_crossentropy_grad(y, one_hot(k, C))``.
    """
    return categorical_crossentropy(y, one_hot(k, y.shape[-1]))


def softmax_crossentropy_grad(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The fused gradient (the book's SoftmaxWithLoss): dL/dz = (p - t) / N.

    Here p = softmax(z) is the network's output and t the one-hot (or soft, rows
    summing to 1) targets.  It is the gradient of the *unclipped* cross-entropy with
    respect to the softmax's input z: the 1/p of the log cancels against the softmax
    Jacobian.  Sparse labels: ``t = one_hot(k, C)``.
    """
    N = p.shape[0]
    return (p - t) / N


def categorical_crossentropy_from_logits(z: np.ndarray, t: np.ndarray) -> np.floating:
    """``from_logits=True``: L = -1/N sum_i sum_c t_ic log_softmax(z)_ic (no clipping)."""
    N = z.shape[0]
    return -np.sum(t * log_softmax(z)) / N


def categorical_crossentropy_from_logits_grad(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dz = (softmax(z) sum_c t_c - t) / N, i.e. (softmax(z) - t) / N for rows summing to 1."""
    N = z.shape[0]
    return (softmax(z) * np.sum(t, axis=-1, keepdims=True) - t) / N


# -- binary cross-entropy ----------------------------------------------------------------


def binary_crossentropy(y: np.ndarray, t: np.ndarray) -> np.floating:
    """L = -1/N sum_i mean_d [t log p + (1 - t) log(1 - p)], p = clip(y, EPSILON, 1 - EPSILON).

    Shapes: y, t (N, D): D independent yes/no outputs, averaged (Keras).
    """
    N = y.shape[0]
    p = np.clip(y, EPSILON, 1 - EPSILON)
    per_sample = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), axis=-1)
    return np.sum(per_sample) / N


def binary_crossentropy_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dy = (p - t) / (p (1 - p)) / (N D), 0 where y was clipped."""
    N, D = y.shape[0], y.shape[-1]
    p = np.clip(y, EPSILON, 1 - EPSILON)
    inside = (y > EPSILON) & (y < 1 - EPSILON)
    return np.where(inside, (p - t) / (p * (1 - p)), 0.0) / (N * D)


def sigmoid_binary_crossentropy_grad(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The fused gradient for p = sigmoid(z): dL/dz = (p - t) / (N D)."""
    N, D = p.shape[0], p.shape[-1]
    return (p - t) / (N * D)


def binary_crossentropy_from_logits(z: np.ndarray, t: np.ndarray) -> np.floating:
    """``from_logits=True``: -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)), averaged.

    The engine evaluates the same value as max(z, 0) - z t + log(1 + exp(-|z|)),
    which never takes the log of 0.  Gradient: (sigmoid(z) - t) / (N D).
    """
    N = z.shape[0]
    p = sigmoid(z)
    per_sample = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), axis=-1)
    return np.sum(per_sample) / N


# -- mean squared error ------------------------------------------------------------------


def mean_squared_error(y: np.ndarray, t: np.ndarray) -> np.floating:
    """L = 1/N sum_i mean_d (y - t)**2 (Keras; the book's 0.5 sum (y - t)**2 differs)."""
    N = y.shape[0]
    return np.sum(np.mean((y - t) ** 2, axis=-1)) / N


def mean_squared_error_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dy = 2 (y - t) / (N D)."""
    N, D = y.shape[0], y.shape[-1]
    return 2 * (y - t) / (N * D)
