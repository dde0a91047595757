"""Cross-entropy losses (binary, categorical, sparse) with their fused softmax/sigmoid gradients."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.activations import LogSoftmax, Softmax, _sigmoid
from scratchdl.kernels import last_axis_sum
from scratchdl.losses.base import (
    EPSILON,
    Loss,
    _add_at,
    _align,
    _check_axis,
    _expand,
    _rows,
    _smoothing,
    _sparse_labels,
    _take,
)

_SOFTMAX, _LOG_SOFTMAX = Softmax(), LogSoftmax()


class _Crossentropy(Loss):
    """Shared constructor of the (binary/categorical) cross-entropies."""

    activation = None
    _params = ("from_logits", "label_smoothing")

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
    ) -> None:
        super().__init__(reduction, name)
        _check_axis(axis)
        self.from_logits, self.label_smoothing = bool(from_logits), _smoothing(label_smoothing)
        self.fuses_with = None if self.from_logits else self.activation


class BinaryCrossentropy(_Crossentropy):
    """Binary cross-entropy, averaged over the last axis (D outputs).

    Smoothing: t = yt (1 - ls) + 0.5 ls.
    Forward (probabilities): p = clip(yp, eps, 1 - eps); l_i = -mean(t log p + (1 - t) log(1 - p)).
    Backward: (p - t) / (p (1 - p)) / D where eps < yp < 1 - eps (0 where clipped).
    Forward (from_logits, z = yp): l_i = mean(max(z, 0) - z t + log(1 + exp(-|z|))) (stable).
    Backward: (sigmoid(z) - t) / D.   Fused with a sigmoid: dL/dz = (p - t) w / (N D).
    Convention: Keras 3 formula; tf.keras 2.x also adds eps inside the logs (differs by ~1e-7).
    Plain version: ``scratchdl.losses.plain.binary_crossentropy`` / ``binary_crossentropy_grad`` /
    ``sigmoid_binary_crossentropy_grad`` / ``binary_crossentropy_from_logits``.
    """

    name = "binary_crossentropy"
    activation = "sigmoid"
    _params = ("from_logits", "label_smoothing")

    def _prepare_labels(self, yt, yp):
        yt, ls = _align(yt, yp, self.name), self.label_smoothing
        return yt * (1 - ls) + 0.5 * ls if ls else yt

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return np.mean(np.maximum(yp, 0) - yp * yt + np.logaddexp(0, -np.abs(yp)), axis=-1)
        p = np.clip(yp, EPSILON, 1 - EPSILON)
        return -np.mean(yt * np.log(p) + (1 - yt) * np.log1p(-p), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return (_sigmoid(yp) - yt) * (1.0 / yp.shape[-1])
        p = np.clip(yp, EPSILON, 1 - EPSILON)
        inside = (yp > EPSILON) & (yp < 1 - EPSILON)
        return (p - yt) / (p * (1 - p)) * inside * (1.0 / yp.shape[-1])

    def fused_backward(self) -> np.ndarray:
        """dL/dz for yp = sigmoid(z): (yp - t) * w / (N D)."""
        yp, yt, scale = self._last_fused()
        return (yp - yt) * (_expand(scale) / yp.shape[-1])


class CategoricalCrossentropy(_Crossentropy):
    """Categorical cross-entropy over the last axis (C classes), one-hot or soft labels.

    Smoothing: t = yt (1 - ls) + ls / C.
    Forward: s = sum(yp), q = yp / s, p = clip(q, eps, 1 - eps); l_i = -sum(t log p).
    Backward: g = -t / p (0 where q is clipped); dl_i/dyp = (g - sum(g q)) / s.
    Forward (from_logits): l_i = -sum(t log_softmax(z)).  Backward: softmax(z) sum(t) - t.
    Fused with a softmax: dL/dz = (p - t) w / N (the book's SoftmaxWithLoss).
    Integer labels of shape (N,) or (N, 1) raise ValueError (use sparse_categorical_crossentropy).
    Plain version: ``scratchdl.losses.plain.categorical_crossentropy`` / ``..._grad`` /
    ``softmax_crossentropy_grad`` (fused) / ``categorical_crossentropy_from_logits[_grad]``.
    """

    name = "categorical_crossentropy"
    _params = ("from_logits", "label_smoothing")
    activation = "softmax"

    def _prepare_labels(self, yt, yp):
        C = yp.shape[-1]
        if C > 1 and yt.shape in (yp.shape[:-1], (*yp.shape[:-1], 1)):
            raise ValueError(
                f"{self.name}: y_true shape {yt.shape} looks like integer class labels for y_pred "
                f"shape {yp.shape}; use sparse_categorical_crossentropy for integer labels "
                "(or one-hot encode them, e.g. with to_categorical)"
            )
        yt, ls = _align(yt, yp, self.name), self.label_smoothing
        return yt * (1 - ls) + ls / C if ls else yt

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return -np.sum(yt * _LOG_SOFTMAX.forward(yp), axis=-1)
        q = yp / np.sum(yp, axis=-1, keepdims=True)
        return -np.sum(yt * np.log(np.clip(q, EPSILON, 1 - EPSILON)), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return _SOFTMAX.forward(yp) * np.sum(yt, axis=-1, keepdims=True) - yt
        s = np.sum(yp, axis=-1, keepdims=True)
        q = yp / s
        g = -yt / np.clip(q, EPSILON, 1 - EPSILON) * ((q > EPSILON) & (q < 1 - EPSILON))
        return (g - np.sum(g * q, axis=-1, keepdims=True)) / s

    def fused_backward(self) -> np.ndarray:
        """dL/dz for yp = softmax(z): (yp - t) * w / N."""
        yp, yt, scale = self._last_fused()
        return (yp - yt) * _expand(scale)


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels k of shape (N,) or (N, 1) in [0, C).

    Forward: s = sum(yp), q_k = yp[k] / s; l_i = -log(clip(q_k, eps, 1 - eps)).
    Backward: g_k = -1 / q_k (0 if clipped); dl_i/dyp_j = g_k ([j == k] - q_k) / s.
    Forward (from_logits): l_i = logsumexp(z) - z_k.  Backward: softmax(z) - onehot(k).
    Fused with a softmax: dL/dz = (p - onehot(k)) w / N.
    Labels may be float if integral; one-hot labels raise ValueError (use categorical_crossentropy).
    Plain version: ``scratchdl.losses.plain.sparse_categorical_crossentropy`` and
    ``softmax_crossentropy_grad`` (fused).
    """

    name = "sparse_categorical_crossentropy"
    _params = ("from_logits",)

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
    ) -> None:
        super().__init__(reduction, name)
        _check_axis(axis)
        if ignore_class is not None:
            raise ValueError(
                f"ignore_class is not supported, received ignore_class={ignore_class!r}"
            )
        self.from_logits = bool(from_logits)
        self.fuses_with = None if self.from_logits else "softmax"

    def _prepare_labels(self, yt, yp):
        return _sparse_labels(yt, yp, self.name)

    def forward_trusted(
        self, y_pred: np.ndarray, y_true: np.ndarray, sample_weight: ArrayLike | None = None
    ) -> float | np.ndarray:
        """Lean forward for (N, C) float predictions and validated int labels k of shape (N,).

        Same value as ``forward``: l_i = -log(clip(yp[i, k_i] / sum(yp[i]), eps, 1 - eps)),
        mean over the batch; six NumPy calls instead of the checked path's dozen.
        """
        if (
            sample_weight is not None
            or self.from_logits
            or y_pred.ndim != 2
            or y_true.ndim != 1
            or self.reduction != "sum_over_batch_size"
        ):
            return self.forward(y_pred, y_true, sample_weight)
        n = y_pred.shape[0]
        q = y_pred[_rows(n), y_true]
        q /= last_axis_sum(y_pred)[:, 0]
        # clip as maximum + minimum (the same values): np.clip adds a Python layer
        np.maximum(q, EPSILON, out=q)
        np.minimum(q, 1 - EPSILON, out=q)
        np.log(q, out=q)
        self._cache = (y_pred, y_true[:, None], 1.0 / n)
        return -float(np.add.reduce(q)) / n

    def per_sample(self, yp: np.ndarray, k: np.ndarray) -> np.ndarray:
        z_k = _take(yp, k)[..., 0]
        if self.from_logits:
            m = np.max(yp, axis=-1, keepdims=True)
            return np.log(np.sum(np.exp(yp - m), axis=-1)) + m[..., 0] - z_k
        return -np.log(np.clip(z_k / np.sum(yp, axis=-1), EPSILON, 1 - EPSILON))

    def grad(self, yp: np.ndarray, k: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return _add_at(_SOFTMAX.forward(yp), k, -1)
        s = np.sum(yp, axis=-1, keepdims=True)
        q_k = _take(yp, k) / s
        g_k = -1 / np.clip(q_k, EPSILON, 1 - EPSILON) * ((q_k > EPSILON) & (q_k < 1 - EPSILON))
        return _add_at(np.broadcast_to(-g_k * q_k / s, yp.shape).copy(), k, g_k / s)

    def fused_backward(self) -> np.ndarray:
        """dL/dz for yp = softmax(z): (yp - onehot(k)) * w / N."""
        yp, k, scale = self._last_fused()
        scale = _expand(scale)
        return _add_at(yp * scale, k, -scale)
