"""``tf.nn``: activations, softmax and the cross-entropies on logits.

Each is one recorded operation whose backward is written out (see
``scratchdl.autodiff.ops.nn``); ``l2_loss`` is built from two of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl.autodiff import ops
from scratchdl.autodiff.tensor import InvalidArgumentError, Tensor, apply, operands, value_of
from scratchdl.tensorflow.math_ops import _float_tensor, reduce_sum, sigmoid, square, tanh

__all__ = [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
    "l2_loss",
]


def relu(features: Any, name: str | None = None) -> Tensor:
    """max(features, 0) elementwise."""
    return apply(ops.Relu(), _float_tensor(features, "relu"))


def softmax(logits: Any, axis: int | None = None, name: str | None = None) -> Tensor:
    """exp(logits) / sum(exp(logits)) along ``axis`` (None: the last axis)."""
    return apply(ops.Softmax(-1 if axis is None else int(axis)), _float_tensor(logits, "softmax"))


def log_softmax(logits: Any, axis: int | None = None, name: str | None = None) -> Tensor:
    """logits - log(sum(exp(logits))) along ``axis`` (None: the last axis)."""
    x = _float_tensor(logits, "log_softmax")
    return apply(ops.LogSoftmax(-1 if axis is None else int(axis)), x)


def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: str | None = None
) -> Tensor:
    """-sum(labels * log_softmax(logits)) along ``axis``: one loss per example.

    ``labels`` are probabilities (e.g. one-hot rows) with the shape of ``logits``;
    the gradient reaches both.
    """
    logits = _float_tensor(logits, "softmax_cross_entropy_with_logits")
    logits, labels = operands(logits, labels, "SoftmaxCrossEntropyWithLogits")
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(
            f"labels and logits must have one shape, received labels {tuple(labels.shape)} "
            f"and logits {tuple(logits.shape)}"
        )
    return apply(ops.SoftmaxCrossEntropy(int(axis)), labels, logits)


def sparse_softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, name: str | None = None
) -> Tensor:
    """-log softmax(logits)[label] per example, for integer class ``labels``.

    Shapes: labels (N,), logits (N, C) -> (N,).  A label outside [0, C) raises.
    """
    t = np.asarray(value_of(labels))
    if t.dtype.kind not in "iu":
        raise InvalidArgumentError(
            f"sparse_softmax_cross_entropy_with_logits: labels must be integers, "
            f"received {t.dtype.name}"
        )
    x = _float_tensor(logits, "sparse_softmax_cross_entropy_with_logits")
    return apply(ops.SparseSoftmaxCrossEntropy(t), x)


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """sum(t ** 2) / 2 (no square root: the weight-decay term)."""
    return reduce_sum(square(_float_tensor(t, "l2_loss"))) / 2


sigmoid = sigmoid
tanh = tanh
