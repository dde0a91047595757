"""The plain math of every activation: read this before ``base.py`` and ``smooth.py``.

For each activation ``f`` there are two pure functions of arrays:

    f(z)        the forward value y = f(z)
    f_grad(z)   the derivative dy/dz, element by element

so that the backward of a layer using ``f`` is ``dz = dout * f_grad(z)``.  Softmax
and log-softmax mix the entries of a row, so they have ``*_backward(dout, y)`` (the
Jacobian-vector product) instead.  The activation objects (``Sigmoid``, ``ReLU``,
...) compute the same numbers, some in a faster or numerically safer way;
``tests/test_plain_twins_*.py`` pins the two together at float64.

The derivative at a kink (ReLU at 0, ReLU6 at 0 and 6, hard sigmoid at +-2.5) is
taken as 0, as the engine does.

Written for reading and for the float64 tests: they make no effort to keep float32
(some return float64 for float32 input); train with the engine.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "linear", "linear_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad",
    "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "elu", "elu_grad",
    "selu", "selu_grad", "softplus", "softplus_grad", "softsign", "softsign_grad",
    "silu", "silu_grad", "gelu", "gelu_grad", "exponential", "exponential_grad",
    "hard_sigmoid", "hard_sigmoid_grad", "relu6", "relu6_grad", "mish", "mish_grad",
    "softmax", "softmax_backward", "log_softmax", "log_softmax_backward",
    "SELU_ALPHA", "SELU_SCALE",
]  # fmt: skip

SELU_ALPHA = 1.6732632423543772  # Klambauer et al. 2017, https://arxiv.org/abs/1706.02515
SELU_SCALE = 1.0507009873554805


def linear(z: np.ndarray) -> np.ndarray:
    """y = z."""
    return z


def linear_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = 1."""
    return np.ones_like(z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """y = 1 / (1 + exp(-z)).

    Stability: for z < -709 exp(-z) overflows to inf and y becomes 1/inf = 0, the
    right limit; NumPy warns about the overflow.  ``Sigmoid`` evaluates the same
    formula with the warning silenced (and in place), so it gives 0 and 1 at -+1000.
    """
    return 1 / (1 + np.exp(-z))


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = y (1 - y) with y = sigmoid(z)."""
    y = sigmoid(z)
    return y * (1 - y)


def tanh(z: np.ndarray) -> np.ndarray:
    """y = (exp(z) - exp(-z)) / (exp(z) + exp(-z)), evaluated by ``np.tanh`` (no overflow)."""
    return np.tanh(z)


def tanh_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = 1 - tanh(z)**2."""
    return 1 - np.tanh(z) ** 2


def relu(
    z: np.ndarray,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> np.ndarray:
    """The Keras ReLU.  Defaults: y = max(z, 0).

    In general: y = z above ``threshold`` (capped at ``max_value``), otherwise
    ``negative_slope * (z - threshold)``; i.e.
    y = clip(z if z > threshold else 0, 0, max_value) + negative_slope * min(z - threshold, 0).
    """
    y = np.where(z > threshold, z, 0.0)
    if max_value is not None:
        y = np.minimum(np.maximum(y, 0.0), max_value)
    return y + negative_slope * np.minimum(z - threshold, 0.0)


def relu_grad(
    z: np.ndarray,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> np.ndarray:
    """dy/dz = 1 where threshold < z (and 0 < z < max_value when capped);
    negative_slope where z < threshold; 0 elsewhere."""
    rising = z > threshold
    if max_value is not None:
        rising = rising & (z > 0) & (z < max_value)
    return np.where(rising, 1.0, 0.0) + np.where(z < threshold, negative_slope, 0.0)


def leaky_relu(z: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """y = z if z > 0 else negative_slope * z (Keras's function default slope 0.2)."""
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_grad(z: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """dy/dz = 1 if z > 0 else negative_slope."""
    return np.where(z > 0, 1.0, negative_slope)


def elu(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """y = z if z > 0 else alpha (exp(z) - 1).

    The engine writes exp(z) - 1 as ``np.expm1(z)`` (exact for tiny |z|) and feeds it
    min(z, 0) so that large positive z, which the ``where`` discards, cannot overflow.
    """
    return np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0)) - 1))


def elu_grad(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """dy/dz = 1 if z > 0 else alpha exp(z)."""
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))


def selu(z: np.ndarray) -> np.ndarray:
    """y = SELU_SCALE * elu(z, SELU_ALPHA)."""
    return SELU_SCALE * elu(z, SELU_ALPHA)


def selu_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = SELU_SCALE * elu_grad(z, SELU_ALPHA)."""
    return SELU_SCALE * elu_grad(z, SELU_ALPHA)


def softplus(z: np.ndarray) -> np.ndarray:
    """y = log(1 + exp(z)).

    Stability: exp(z) overflows for z > 709 (y becomes inf instead of ~z);
    ``Softplus`` uses ``np.logaddexp(0, z)``, which is finite everywhere.
    """
    return np.log(1 + np.exp(z))


def softplus_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = exp(z) / (1 + exp(z)) = sigmoid(z)."""
    return sigmoid(z)


def softsign(z: np.ndarray) -> np.ndarray:
    """y = z / (1 + |z|)."""
    return z / (1 + np.abs(z))


def softsign_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = 1 / (1 + |z|)**2."""
    return 1 / (1 + np.abs(z)) ** 2


def silu(z: np.ndarray) -> np.ndarray:
    """Swish / SiLU: y = z * sigmoid(z)."""
    return z * sigmoid(z)


def silu_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = s + z s (1 - s) with s = sigmoid(z) (product rule)."""
    s = sigmoid(z)
    return s + z * s * (1 - s)


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _erf(z):
    return np.vectorize(math.erf, otypes=[float])(z)


def gelu(z: np.ndarray, approximate: bool = False) -> np.ndarray:
    """y = z * Phi(z), Phi the standard normal CDF = 0.5 (1 + erf(z / sqrt 2)).

    approximate=True: y = 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z**3))).
    """
    if approximate:
        return 0.5 * z * (1 + np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3)))
    return z * 0.5 * (1 + _erf(z / math.sqrt(2)))


def gelu_grad(z: np.ndarray, approximate: bool = False) -> np.ndarray:
    """dy/dz = Phi(z) + z phi(z), phi(z) = exp(-z**2/2) / sqrt(2 pi) the normal density.

    approximate=True, with u = sqrt(2/pi) (z + 0.044715 z**3) and t = tanh(u):
    dy/dz = 0.5 (1 + t) + 0.5 z (1 - t**2) sqrt(2/pi) (1 + 3 * 0.044715 z**2).
    """
    if approximate:
        t = np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3))
        du_dz = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z**2)
        return 0.5 * (1 + t) + 0.5 * z * (1 - t**2) * du_dz
    Phi = 0.5 * (1 + _erf(z / math.sqrt(2)))
    phi = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    return Phi + z * phi


def exponential(z: np.ndarray) -> np.ndarray:
    """y = exp(z)."""
    return np.exp(z)


def exponential_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = exp(z)."""
    return np.exp(z)


def hard_sigmoid(z: np.ndarray) -> np.ndarray:
    """tf.keras 2.x: y = clip(0.2 z + 0.5, 0, 1) (Keras 3: relu6(z + 3) / 6)."""
    return np.clip(0.2 * z + 0.5, 0, 1)


def hard_sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = 0.2 where -2.5 < z < 2.5, else 0."""
    return np.where(np.abs(z) < 2.5, 0.2, 0.0)


def relu6(z: np.ndarray) -> np.ndarray:
    """y = min(max(z, 0), 6)."""
    return np.minimum(np.maximum(z, 0), 6)


def relu6_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = 1 where 0 < z < 6, else 0."""
    return np.where((z > 0) & (z < 6), 1.0, 0.0)


def mish(z: np.ndarray) -> np.ndarray:
    """y = z tanh(softplus(z))."""
    return z * np.tanh(softplus(z))


def mish_grad(z: np.ndarray) -> np.ndarray:
    """dy/dz = t + z (1 - t**2) sigmoid(z), t = tanh(softplus(z)) (softplus' = sigmoid)."""
    t = np.tanh(softplus(z))
    return t + z * (1 - t**2) * sigmoid(z)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """y_i = exp(z_i - m) / sum_j exp(z_j - m) along ``axis``, m = max_j z_j.

    Subtracting the row maximum changes nothing mathematically (it cancels in the
    ratio) but keeps exp from overflowing: the book's form.  ``Softmax`` computes
    the same in place, finding the maximum through ``argmax``.
    """
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """dz = J.T @ dout per row, J = dy/dz = diag(y) - y y.T: ``dz = y * (dout - sum(dout * y))``."""
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """y = z - log(sum(exp(z))) = z - m - log(sum(exp(z - m))), m = max z (stable)."""
    m = np.max(z, axis=axis, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def log_softmax_backward(dout: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """dy_i/dz_j = [i == j] - softmax(z)_j, so ``dz = dout - exp(y) * sum(dout)``."""
    return dout - np.exp(y) * np.sum(dout, axis=axis, keepdims=True)
