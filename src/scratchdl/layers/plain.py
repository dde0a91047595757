"""The plain math of Dense and BatchNormalization: read this before the fast layers.

Each function is the textbook formula as a pure function of arrays: it returns new
arrays and changes nothing it is given (no ``out=``, no caches, no regrouping).
The layers ``scratchdl.layers.Dense`` and ``scratchdl.layers.BatchNormalization``
compute the same numbers with fewer NumPy calls; ``tests/test_plain_twins_*.py`` pins
the two together at float64.

Shapes: x is (N, D) -- one row per sample.  A layer given (N, ..., D) treats it as
(M, D) with M = N * ... rows (``x.reshape(-1, D)``); do the same before calling these.

Names follow the book (chapter 5 "Affine", chapter 6 "Batch Normalization"):
x, W, b, gamma, beta, mu, var, x_hat, dout, dx, dW, db, dgamma, dbeta.

Written for reading and for the float64 tests: they make no effort to keep float32
(some return float64 for float32 input); train with the engine.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "dense_forward",
    "dense_backward",
    "batchnorm_forward_train",
    "batchnorm_forward_infer",
    "batchnorm_backward",
    "batchnorm_backward_infer",
    "moving_average",
]


# -- Dense (the book's Affine) ---------------------------------------------------------


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Forward: ``z = x @ W + b``.

    Shapes: x (N, d_in), W (d_in, units), b (units,) or None (use_bias=False);
    z (N, units).  The activation, if any, is applied to z afterwards
    (``scratchdl.activations.plain``).
    """
    z = np.dot(x, W)
    if b is not None:
        z = z + b
    return z


def dense_backward(
    dout: np.ndarray, x: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``z = x @ W + b`` given ``dout = dL/dz``.

    Formulas::

        dx = dout @ W.T          (N, d_in)
        dW = x.T @ dout          (d_in, units)
        db = sum(dout, axis=0)   (units,)

    Returns ``(dx, dW, db)``.  Each row of x met W once, so dW adds up the
    contributions of all N samples (likewise db): the gradient of the *summed* loss
    the upstream ``dout`` belongs to (a mean loss already put its 1/N into dout).
    """
    dx = np.dot(dout, W.T)
    dW = np.dot(x.T, dout)
    db = np.sum(dout, axis=0)
    return dx, dW, db


# -- Batch normalization -----------------------------------------------------------------


def batchnorm_forward_train(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, epsilon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward in training: normalise each column with the batch's own statistics.

    Formulas (sums and means over the N rows, one value per feature)::

        mu    = mean(x)
        var   = mean((x - mu)**2)              (biased: divide by N, not N - 1)
        x_hat = (x - mu) / sqrt(var + epsilon)
        y     = gamma * x_hat + beta

    Shapes: x (N, C); gamma, beta (C,).  Returns ``(y, mu, var)``; ``mu`` and ``var``
    also feed the moving averages (``moving_average``) and the backward.
    Args: epsilon -- Keras's default is 1e-3, the book's layer uses 1e-6 (passed in).
    """
    mu = np.mean(x, axis=0)
    var = np.mean((x - mu) ** 2, axis=0)
    x_hat = (x - mu) / np.sqrt(var + epsilon)
    y = gamma * x_hat + beta
    return y, mu, var


def batchnorm_forward_infer(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    moving_mean: np.ndarray,
    moving_variance: np.ndarray,
    epsilon: float,
) -> np.ndarray:
    """Forward in inference: the same normalisation with the running statistics.

    ``y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta``.
    """
    x_hat = (x - moving_mean) / np.sqrt(moving_variance + epsilon)
    return gamma * x_hat + beta


def moving_average(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> np.ndarray:
    """Running statistic after one training batch: ``momentum*moving + (1-momentum)*value``.

    Convention: Keras's momentum 0.99 (keep 99 % of the old value) is PyTorch's 0.01;
    the book uses 0.9.
    """
    return momentum * moving + (1 - momentum) * batch_value


def batchnorm_backward(
    dout: np.ndarray,
    x: np.ndarray,
    gamma: np.ndarray,
    mu: np.ndarray,
    var: np.ndarray,
    epsilon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward in training, step by step through the computational graph.

    With std = sqrt(var + epsilon) and xc = x - mu (N rows; sums over the rows)::

        dbeta  = sum(dout)
        dgamma = sum(dout * x_hat)
        dx_hat = dout * gamma
        dvar   = sum(dx_hat * xc) * (-1/2) * std**-3
        dmu    = -sum(dx_hat) / std  -  dvar * 2 * mean(xc)      (mean(xc) is 0)
        dx     = dx_hat / std + dvar * 2 * xc / N + dmu / N

    mu and var depend on every row, hence the two extra terms: without them dx
    would be the inference gradient ``dx_hat / std``.
    Returns ``(dx, dgamma, dbeta)``.
    """
    N = x.shape[0]
    xc = x - mu
    std = np.sqrt(var + epsilon)
    x_hat = xc / std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * xc, axis=0) * (-0.5) / std**3
    dmu = -np.sum(dx_hat, axis=0) / std - dvar * 2 * np.mean(xc, axis=0)
    dx = dx_hat / std + dvar * 2 * xc / N + dmu / N
    return dx, dgamma, dbeta


def batchnorm_backward_infer(
    dout: np.ndarray,
    x: np.ndarray,
    gamma: np.ndarray,
    moving_mean: np.ndarray,
    moving_variance: np.ndarray,
    epsilon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward in inference: the statistics are constants, so the layer is affine.

    Formulas::

        x_hat  = (x - moving_mean) / sqrt(moving_variance + epsilon)
        dx     = dout * gamma / sqrt(moving_variance + epsilon)
        dgamma = sum(dout * x_hat)          dbeta = sum(dout)

    Returns ``(dx, dgamma, dbeta)``.
    """
    std = np.sqrt(moving_variance + epsilon)
    x_hat = (x - moving_mean) / std
    dx = dout * gamma / std
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)
