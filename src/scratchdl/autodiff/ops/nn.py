"""Neural-network functions: activations, softmax and the cross-entropies.

Their forward and backward formulas are those of the engine's activation and
loss layers, written for one call.
"""

from __future__ import annotations

import numpy as np

from scratchdl.autodiff.ops.base import Op

__all__ = [
    "Relu",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "SoftmaxCrossEntropy",
    "SparseSoftmaxCrossEntropy",
]


def _log_softmax(z, axis):
    """log softmax(z) = z - max - log sum exp(z - max), stable for large z."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class Relu(Op):
    """Forward: y = max(x, 0).   Backward: dx = dy * [x > 0]."""

    name = "relu"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x > 0
        return np.where(self.mask, x, 0).astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (np.where(self.mask, dout, 0),)


class Sigmoid(Op):
    """Forward: y = 1 / (1 + exp(-x)).   Backward: dx = dy * y * (1 - y)."""

    name = "sigmoid"

    def forward(self, x: np.ndarray) -> np.ndarray:
        # 1 / (1 + exp(-x)) == (1 + tanh(x / 2)) / 2, which cannot overflow
        y = np.tanh(x * 0.5)
        y += 1
        y *= 0.5
        self.y = y
        return y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout * self.y * (1 - self.y),)


class Tanh(Op):
    """Forward: y = tanh(x).   Backward: dx = dy * (1 - y**2)."""

    name = "tanh"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = np.tanh(x)
        return self.y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout * (1 - self.y * self.y),)


class Softmax(Op):
    """Forward: y = exp(z) / sum(exp(z)) along ``axis``.

    Backward: dz = y * (dy - sum(dy * y, axis))  (the Jacobian diag(y) - y y^T applied).
    """

    name = "softmax"

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.y = np.exp(_log_softmax(z, self.axis))
        return self.y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        y = self.y
        return (y * (dout - np.sum(dout * y, axis=self.axis, keepdims=True)),)


class LogSoftmax(Op):
    """Forward: y = z - log sum exp(z) along ``axis``.

    Backward: dz = dy - softmax(z) * sum(dy, axis).
    """

    name = "log_softmax"

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, z: np.ndarray) -> np.ndarray:
        y = _log_softmax(z, self.axis)
        self.p = np.exp(y)
        return y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout - self.p * np.sum(dout, axis=self.axis, keepdims=True),)


class SoftmaxCrossEntropy(Op):
    """Forward: loss = -sum(labels * log_softmax(logits), axis), one value per example.

    Backward (inputs labels, logits):
        d labels = -dloss * log_softmax(logits)
        d logits = dloss * (softmax(logits) * sum(labels, axis) - labels)
    (the familiar ``p - t`` when each label row sums to 1).
    """

    name = "softmax_cross_entropy_with_logits"

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, labels: np.ndarray, logits: np.ndarray) -> np.ndarray:
        self.labels = labels
        self.log_p = _log_softmax(logits, self.axis)
        return -np.sum(labels * self.log_p, axis=self.axis)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = np.expand_dims(dout, self.axis)
        p = np.exp(self.log_p)
        total = np.sum(self.labels, axis=self.axis, keepdims=True)
        return -d * self.log_p, d * (p * total - self.labels)


class SparseSoftmaxCrossEntropy(Op):
    """Forward: loss[i] = -log softmax(logits[i])[labels[i]]  (integer class labels).

    Backward: d logits[i] = dloss[i] * (softmax(logits[i]) - onehot(labels[i])).
    Shapes: labels (N...), logits (N..., C) -> loss (N...).  ``labels`` is a
    constant (integers have no gradient).
    """

    name = "sparse_softmax_cross_entropy_with_logits"

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = np.asarray(labels)

    def forward(self, logits: np.ndarray) -> np.ndarray:
        c, t = logits.shape[-1], self.labels
        if t.shape != logits.shape[:-1]:
            raise ValueError(
                f"labels must have the shape of logits without the last axis: labels "
                f"{t.shape}, logits {logits.shape}"
            )
        bad = (t < 0) | (t >= c)
        if np.any(bad):
            raise ValueError(
                f"Received a label value of {t[bad].ravel()[0]} which is outside the valid "
                f"range of [0, {c})"
            )
        self.log_p = _log_softmax(logits, -1)
        return -np.take_along_axis(self.log_p, t[..., None], axis=-1)[..., 0]

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        g = np.exp(self.log_p)  # softmax, then minus 1 at each label
        t = self.labels[..., None]
        np.put_along_axis(g, t, np.take_along_axis(g, t, axis=-1) - 1, axis=-1)
        return (g * dout[..., None],)
