"""Losses with Keras semantics (reference/keras.md A5) and explicit gradients.

A loss first computes one value per sample by reducing the **last axis**
(``l_i``, shape ``y_pred.shape[:-1]``), multiplies it by ``sample_weight`` (``w_i``),
then reduces::

    sum_over_batch_size (default, = "auto" = "mean"):  L = sum(w_i * l_i) / N
    sum:  L = sum(w_i * l_i)        none:  the array w_i * l_i
    mean_with_sample_weight:  L = sum(w_i * l_i) / sum(w_i)

N is the number of per-sample losses, **not** sum(w) (Keras).  ``forward(y_pred,
y_true, sample_weight)`` returns L as a Python float; ``backward()`` returns dL/dy_pred
for the last forward, in y_pred's dtype (for reduction "none": d sum(w_i l_i)/dy_pred).
``__call__(y_true, y_pred, sample_weight)`` takes Keras's argument order.

Fused gradients (DESIGN §3; the book's SoftmaxWithLoss): when the last layer is a
softmax (sigmoid) and the loss is (sparse) categorical (binary) cross-entropy on
probabilities, ``fuses_with`` names that activation and ``fused_backward()`` returns
dL/dz for its input z directly: ``(p - t) * w / N`` (``/ (N*D)`` for BCE, which averages
the D outputs).  This is the gradient of the *unclipped* cross-entropy, i.e. what
TensorFlow computes from the cached logits; it assumes each row of t sums to 1.

Shapes: y_true is squeezed/expanded when the ranks differ by one with a trailing 1;
any other mismatch raises ValueError quoting both shapes.  ``EPSILON = 1e-7``.
"""

from __future__ import annotations

import numpy as np

from scratchdl.activations import LogSoftmax, Softmax, _sigmoid

__all__ = [
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError",
    "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge", "CosineSimilarity",
    "LossFunctionWrapper", "get", "names", "EPSILON",
]  # fmt: skip

EPSILON = 1e-7
REDUCTIONS = ("sum_over_batch_size", "auto", "mean", "sum", "none", None, "mean_with_sample_weight")


def _as_float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float32)


class Loss:
    """Base class: subclasses define ``per_sample(yp, yt)`` and ``grad(yp, yt)`` = dl_i/dyp.

    Args: reduction (one of REDUCTIONS), name (default: the Keras snake_case name).
    """

    name = "loss"
    fuses_with = None
    _params: tuple = ()

    def __init__(self, reduction="sum_over_batch_size", name=None):
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, received {reduction!r}")
        self.reduction = "sum_over_batch_size" if reduction in ("auto", "mean") else reduction
        self.name = name or type(self).name
        self._cache = None

    def __call__(self, y_true, y_pred, sample_weight=None):
        return self.forward(y_pred, y_true, sample_weight)

    def forward(self, y_pred, y_true, sample_weight=None):
        yp = _as_float(y_pred)
        if yp.ndim == 0:
            raise ValueError(f"{self.name}: y_pred must have at least one axis, received {yp!r}")
        yt = self._prepare_labels(np.asarray(y_true), yp)
        loss = self.per_sample(yp, yt)
        w = None if sample_weight is None else _align_weight(sample_weight, loss.shape, yp.dtype)
        scale = self._scale(loss.size, w)
        self._cache = (yp, yt, scale)
        if self.reduction in ("none", None):
            return loss if w is None else loss * w
        if isinstance(scale, float):
            return float(np.sum(loss)) * scale
        return float(np.sum(loss * scale))

    def forward_trusted(self, y_pred, y_true, sample_weight=None):
        """``forward`` for labels already validated by the caller (``fit`` checks them once).

        Subclasses on the training hot path override it with a leaner version that
        skips the per-batch label checks; the result is the same.
        """
        return self.forward(y_pred, y_true, sample_weight)

    def _scale(self, n, w):
        """dL/dl_i: a Python float, or an array of the per-sample shape when weighted."""
        if self.reduction in ("none", None, "sum"):
            return 1.0 if w is None else w
        if self.reduction == "mean_with_sample_weight" and w is not None:
            total = float(np.sum(w))
            return w / total if total else np.zeros_like(w)
        return 1.0 / max(n, 1) if w is None else w * (1.0 / max(n, 1))

    def backward(self):
        """dL/dy_pred for the last forward (same dtype as y_pred)."""
        yp, yt, scale = self._last()
        return self.grad(yp, yt) * _expand(scale)

    def fused_backward(self):
        """dL/dz for z the input of the activation named by ``fuses_with``."""
        self._last_fused()
        raise NotImplementedError

    def _last(self):
        if self._cache is None:
            raise ValueError(f"{self.name}: call forward before backward")
        return self._cache

    def _last_fused(self):
        if self.fuses_with is None:
            raise ValueError(f"{self.name} has no fused activation (from_logits=True or no rule)")
        return self._last()

    def _prepare_labels(self, yt, yp):
        return _align(yt, yp, self.name)

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction}
        return {**config, **{k: getattr(self, k) for k in self._params}}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MeanSquaredError(Loss):
    """Forward: l_i = mean((yp - yt)**2, axis=-1).  Backward: dl_i/dyp = 2 (yp - yt) / D."""

    name = "mean_squared_error"

    def per_sample(self, yp, yt):
        d = yp - yt
        return np.mean(d * d, axis=-1)

    def grad(self, yp, yt):
        return (yp - yt) * (2.0 / yp.shape[-1])


class MeanAbsoluteError(Loss):
    """Forward: l_i = mean(|yp - yt|, axis=-1).  Backward: sign(yp - yt) / D (0 at yp == yt)."""

    name = "mean_absolute_error"

    def per_sample(self, yp, yt):
        return np.mean(np.abs(yp - yt), axis=-1)

    def grad(self, yp, yt):
        return np.sign(yp - yt) * (1.0 / yp.shape[-1])


class RootMeanSquaredError(MeanSquaredError):
    """Forward: L = sqrt(MSE of the batch), the MSE reduced as above (with sample weights).

    Backward: dL/dyp = dMSE/dyp / (2 L) (0 when L == 0).
    Convention: Keras has RMSE only as a metric; this is the class notes' RMSE as a loss.
    Only the mean reductions are meaningful; "sum"/"none" raise ValueError.
    """

    name = "root_mean_squared_error"

    def __init__(self, reduction="sum_over_batch_size", name=None):
        if reduction in ("sum", "none", None):
            raise ValueError(f"RootMeanSquaredError needs a mean reduction, received {reduction!r}")
        super().__init__(reduction, name)

    def forward(self, y_pred, y_true, sample_weight=None):
        self._value = float(np.sqrt(super().forward(y_pred, y_true, sample_weight)))
        return self._value

    def backward(self):
        g = super().backward()
        return g * (0.5 / self._value) if self._value > 0 else np.zeros_like(g)


class MeanAbsolutePercentageError(Loss):
    """Forward: l_i = 100 mean(|yt - yp| / max(|yt|, eps)).

    Backward: 100 sign(yp - yt) / max(|yt|, eps) / D.
    """

    name = "mean_absolute_percentage_error"

    def per_sample(self, yp, yt):
        return np.mean(np.abs(yt - yp) / np.maximum(np.abs(yt), EPSILON), axis=-1) * 100.0

    def grad(self, yp, yt):
        return np.sign(yp - yt) / np.maximum(np.abs(yt), EPSILON) * (100.0 / yp.shape[-1])


class MeanSquaredLogarithmicError(Loss):
    """Forward: l_i = mean((log(max(yp,eps)+1) - log(max(yt,eps)+1))**2).

    Backward: 2 (a - b) / (max(yp, eps) + 1) / D where yp > eps, else 0.
    """

    name = "mean_squared_logarithmic_error"

    def _diff(self, yp, yt):
        return np.log1p(np.maximum(yp, EPSILON)) - np.log1p(np.maximum(yt, EPSILON))

    def per_sample(self, yp, yt):
        return np.mean(np.square(self._diff(yp, yt)), axis=-1)

    def grad(self, yp, yt):
        g = self._diff(yp, yt) / (np.maximum(yp, EPSILON) + 1) * (yp > EPSILON)
        return g * (2.0 / yp.shape[-1])


class Huber(Loss):
    """Forward: e = yp - yt; l_i = mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2).

    Backward: clip(e, -delta, delta) / D.   Reference: Huber 1964.
    """

    name = "huber_loss"
    _params = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name=None):
        super().__init__(reduction, name)
        self.delta = float(delta)

    def per_sample(self, yp, yt):
        e = np.abs(yp - yt)
        quad = np.minimum(e, self.delta)
        return np.mean(0.5 * quad * quad + self.delta * (e - quad), axis=-1)

    def grad(self, yp, yt):
        return np.clip(yp - yt, -self.delta, self.delta) * (1.0 / yp.shape[-1])


class LogCosh(Loss):
    """Forward: x = yp - yt; l_i = mean(log cosh x) = mean(x + softplus(-2x) - log 2) (stable).

    Backward: tanh(x) / D.
    """

    name = "log_cosh"

    def per_sample(self, yp, yt):
        x = yp - yt
        return np.mean(x + np.logaddexp(0, -2 * x) - np.log(2.0).item(), axis=-1)

    def grad(self, yp, yt):
        return np.tanh(yp - yt) * (1.0 / yp.shape[-1])


class KLDivergence(Loss):
    """Forward: t = clip(yt, eps, 1), p = clip(yp, eps, 1); l_i = sum(t log(t / p)).

    Backward: -t / p where eps < yp < 1, else 0.
    """

    name = "kl_divergence"

    def per_sample(self, yp, yt):
        t, p = np.clip(yt, EPSILON, 1), np.clip(yp, EPSILON, 1)
        return np.sum(t * np.log(t / p), axis=-1)

    def grad(self, yp, yt):
        return -np.clip(yt, EPSILON, 1) / np.clip(yp, EPSILON, 1) * ((yp > EPSILON) & (yp < 1))


class Poisson(Loss):
    """Forward: l_i = mean(yp - yt log(yp + eps)).  Backward: (1 - yt / (yp + eps)) / D."""

    name = "poisson"

    def per_sample(self, yp, yt):
        return np.mean(yp - yt * np.log(yp + EPSILON), axis=-1)

    def grad(self, yp, yt):
        return (1 - yt / (yp + EPSILON)) * (1.0 / yp.shape[-1])


class Hinge(Loss):
    """Forward: l_i = mean(max(1 - yt yp, 0)); labels in {0, 1} become {-1, 1} (Keras).

    Backward: -yt [1 - yt yp > 0] / D.
    """

    name = "hinge"

    def _prepare_labels(self, yt, yp):
        yt = _align(yt, yp, self.name)
        return 2 * yt - 1 if np.all((yt == 0) | (yt == 1)) else yt

    def per_sample(self, yp, yt):
        return np.mean(np.maximum(1 - yt * yp, 0), axis=-1)

    def grad(self, yp, yt):
        return -yt * (1 - yt * yp > 0) * (1.0 / yp.shape[-1])


class SquaredHinge(Hinge):
    """Forward: l_i = mean(max(1 - yt yp, 0)**2).  Backward: -2 yt max(1 - yt yp, 0) / D."""

    name = "squared_hinge"

    def per_sample(self, yp, yt):
        return np.mean(np.square(np.maximum(1 - yt * yp, 0)), axis=-1)

    def grad(self, yp, yt):
        return -yt * np.maximum(1 - yt * yp, 0) * (2.0 / yp.shape[-1])


class CategoricalHinge(Loss):
    """Forward: pos = sum(yt yp), neg = max((1 - yt) yp); l_i = max(neg - pos + 1, 0).

    Backward (where l_i > 0): -yt + (1 - yt) onehot(argmax((1 - yt) yp)).
    """

    name = "categorical_hinge"

    def per_sample(self, yp, yt):
        pos, neg = np.sum(yt * yp, axis=-1), np.max((1 - yt) * yp, axis=-1)
        return np.maximum(neg - pos + 1, 0)

    def grad(self, yp, yt):
        k = np.argmax((1 - yt) * yp, axis=-1)[..., None]
        g = _add_at(-yt, k, 1 - np.take_along_axis(yt, k, axis=-1))
        return g * (self.per_sample(yp, yt) > 0)[..., None]


class CosineSimilarity(Loss):
    """Forward: l_i = -sum(t_hat p_hat), x_hat = x / sqrt(max(sum(x**2), 1e-12)) (last axis).

    Backward: -(t_hat - (t_hat . p_hat) p_hat) / |yp| (the normalisation's Jacobian).
    """

    name = "cosine_similarity"

    def per_sample(self, yp, yt):
        return -np.sum(_l2_normalize(yt) * _l2_normalize(yp), axis=-1)

    def grad(self, yp, yt):
        norm = np.sqrt(np.maximum(np.sum(yp * yp, axis=-1, keepdims=True), 1e-12))
        t_hat, p_hat = _l2_normalize(yt), yp / norm
        return -(t_hat - np.sum(t_hat * p_hat, axis=-1, keepdims=True) * p_hat) / norm


class _Crossentropy(Loss):
    """Shared constructor of the (binary/categorical) cross-entropies."""

    activation = None
    _params = ("from_logits", "label_smoothing")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
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
    """

    name = "binary_crossentropy"
    activation = "sigmoid"
    _params = ("from_logits", "label_smoothing")

    def _prepare_labels(self, yt, yp):
        yt, ls = _align(yt, yp, self.name), self.label_smoothing
        return yt * (1 - ls) + 0.5 * ls if ls else yt

    def per_sample(self, yp, yt):
        if self.from_logits:
            return np.mean(np.maximum(yp, 0) - yp * yt + np.logaddexp(0, -np.abs(yp)), axis=-1)
        p = np.clip(yp, EPSILON, 1 - EPSILON)
        return -np.mean(yt * np.log(p) + (1 - yt) * np.log1p(-p), axis=-1)

    def grad(self, yp, yt):
        if self.from_logits:
            return (_sigmoid(yp) - yt) * (1.0 / yp.shape[-1])
        p = np.clip(yp, EPSILON, 1 - EPSILON)
        inside = (yp > EPSILON) & (yp < 1 - EPSILON)
        return (p - yt) / (p * (1 - p)) * inside * (1.0 / yp.shape[-1])

    def fused_backward(self):
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

    def per_sample(self, yp, yt):
        if self.from_logits:
            return -np.sum(yt * _LOG_SOFTMAX.forward(yp), axis=-1)
        q = yp / np.sum(yp, axis=-1, keepdims=True)
        return -np.sum(yt * np.log(np.clip(q, EPSILON, 1 - EPSILON)), axis=-1)

    def grad(self, yp, yt):
        if self.from_logits:
            return _SOFTMAX.forward(yp) * np.sum(yt, axis=-1, keepdims=True) - yt
        s = np.sum(yp, axis=-1, keepdims=True)
        q = yp / s
        g = -yt / np.clip(q, EPSILON, 1 - EPSILON) * ((q > EPSILON) & (q < 1 - EPSILON))
        return (g - np.sum(g * q, axis=-1, keepdims=True)) / s

    def fused_backward(self):
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
    """

    name = "sparse_categorical_crossentropy"
    _params = ("from_logits",)

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
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

    def forward_trusted(self, y_pred, y_true, sample_weight=None):
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
        q /= np.add.reduce(y_pred, axis=-1)
        # clip as maximum + minimum (the same values): np.clip's Python layer costs ~3 us
        np.maximum(q, EPSILON, out=q)
        np.minimum(q, 1 - EPSILON, out=q)
        np.log(q, out=q)
        self._cache = (y_pred, y_true[:, None], 1.0 / n)
        return -float(np.add.reduce(q)) / n

    def per_sample(self, yp, k):
        z_k = _take(yp, k)[..., 0]
        if self.from_logits:
            m = np.max(yp, axis=-1, keepdims=True)
            return np.log(np.sum(np.exp(yp - m), axis=-1)) + m[..., 0] - z_k
        return -np.log(np.clip(z_k / np.sum(yp, axis=-1), EPSILON, 1 - EPSILON))

    def grad(self, yp, k):
        if self.from_logits:
            return _add_at(_SOFTMAX.forward(yp), k, -1)
        s = np.sum(yp, axis=-1, keepdims=True)
        q_k = _take(yp, k) / s
        g_k = -1 / np.clip(q_k, EPSILON, 1 - EPSILON) * ((q_k > EPSILON) & (q_k < 1 - EPSILON))
        return _add_at(np.broadcast_to(-g_k * q_k / s, yp.shape).copy(), k, g_k / s)

    def fused_backward(self):
        """dL/dz for yp = softmax(z): (yp - onehot(k)) * w / N."""
        yp, k, scale = self._last_fused()
        scale = _expand(scale)
        return _add_at(yp * scale, k, -scale)


class LossFunctionWrapper(Loss):
    """A plain ``fn(y_true, y_pred) -> per-sample losses``: forward works; backward explains."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None):
        super().__init__(reduction, name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def per_sample(self, yp, yt):
        return np.asarray(self.fn(yt, yp), dtype=yp.dtype)

    def grad(self, yp, yt):
        raise ValueError(
            f"loss {self.name!r} is a plain function without a gradient; use one of the built-in "
            f"losses ({', '.join(names()[:6])}, ...) or subclass Loss with per_sample and grad"
        )


def _l2_normalize(x):
    return x / np.sqrt(np.maximum(np.sum(x * x, axis=-1, keepdims=True), 1e-12))


def _align(yt, yp, name):
    """Keras's rank rule: a trailing 1 is squeezed/expanded; then the shapes must match."""
    if yt.ndim == yp.ndim - 1 and yp.shape[-1] == 1:
        yt = yt[..., None]
    elif yt.ndim == yp.ndim + 1 and yt.shape[-1] == 1:
        yt = yt[..., 0]
    if yt.shape != yp.shape:
        raise ValueError(
            f"{name}: y_true shape {yt.shape} does not match y_pred shape {yp.shape}; "
            "expected the same shape (or one extra trailing axis of size 1)"
        )
    return yt if yt.dtype == yp.dtype else yt.astype(yp.dtype)


def _align_weight(sample_weight, shape, dtype):
    """sample_weight as an array of the per-sample loss shape (scalar, (N,) or (N, 1))."""
    w = np.asarray(sample_weight, dtype=dtype)
    if w.ndim == len(shape) + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    elif 0 < w.ndim == len(shape) - 1:
        w = w[..., None]
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(
            f"sample_weight shape {np.shape(sample_weight)} cannot be matched to the per-sample "
            f"loss shape {shape}"
        ) from None


def _expand(scale):
    return scale if isinstance(scale, float) else scale[..., None]


def _check_axis(axis):
    if axis != -1:
        raise ValueError(f"only axis=-1 (the class axis last) is supported, received axis={axis!r}")


def _smoothing(label_smoothing):
    ls = float(label_smoothing)
    if not 0 <= ls <= 1:
        raise ValueError(
            f"label_smoothing must be in [0, 1], received label_smoothing={label_smoothing!r}"
        )
    return ls


def _sparse_labels(yt, yp, name):
    """Integer labels with a trailing axis of 1 (shape yp.shape[:-1] + (1,)), validated."""
    C, lead = yp.shape[-1], yp.shape[:-1]
    if yt.shape == (*lead, 1):
        k = yt
    elif yt.shape == lead:
        k = yt[..., None]
    elif yt.shape == yp.shape:
        raise ValueError(
            f"{name}: y_true shape {yt.shape} equals y_pred shape {yp.shape}, i.e. one-hot labels; "
            "use categorical_crossentropy for one-hot labels (sparse expects integer class ids)"
        )
    else:
        raise ValueError(f"{name}: y_true shape {yt.shape} does not fit y_pred shape {yp.shape}; "
                         f"expected integer labels of shape {lead} or {(*lead, 1)}")  # fmt: skip
    if not np.issubdtype(k.dtype, np.integer):
        bad = k[k != np.floor(k)]
        if bad.size:
            bad = bad.flat[0].item()
            raise ValueError(f"{name}: labels must be integer class ids, received {bad!r}")
        k = k.astype(np.intp)
    if k.size and (k.min() < 0 or k.max() >= C):
        bad = (k.min() if k.min() < 0 else k.max()).item()
        raise ValueError(f"{name}: label {bad} is out of range for {C} classes; expected [0, {C})")
    return k


_ROWS: dict = {}


def _rows(n):
    """``np.arange(n)``, cached: row indices for picking one class per sample."""
    rows = _ROWS.get(n)
    if rows is None:
        rows = _ROWS[n] = np.arange(n)
    return rows


def _take(x, k):
    """x[..., k] along the last axis, keeping a trailing axis of 1 (k has one)."""
    if x.ndim == 2:  # the common (N, C) case: plain fancy indexing is the cheapest
        return x[_rows(x.shape[0]), k[:, 0]][:, None]
    return np.take_along_axis(x, k, axis=-1)


def _add_at(g, k, v):
    """g[..., k] += v along the last axis (k and an array v have a trailing axis of 1)."""
    if g.ndim == 2:
        g[_rows(g.shape[0]), k[:, 0]] += v if isinstance(v, float | int) else v[:, 0]
        return g
    np.put_along_axis(g, k, np.take_along_axis(g, k, axis=-1) + v, axis=-1)
    return g


_SOFTMAX, _LOG_SOFTMAX = Softmax(), LogSoftmax()
_CLASSES = [MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, LogCosh, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
    CosineSimilarity]  # fmt: skip
_REGISTRY = {
    **{c.name: c for c in _CLASSES}, **{c.__name__: c for c in _CLASSES},
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "kld": KLDivergence, "KLD": KLDivergence, "huber": Huber, "logcosh": LogCosh,
    "kullback_leibler_divergence": KLDivergence,
}  # fmt: skip


def names() -> list[str]:
    """Every string ``get`` accepts (case-sensitive, as Keras)."""
    return sorted(_REGISTRY)


def get(identifier):
    """None -> None; a Loss -> itself; a Keras string; {"class_name", "config"}; a function."""
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(
                f"Could not interpret loss identifier: {identifier}. Valid names: {names()}"
            )
        return _REGISTRY[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _REGISTRY:
        return _REGISTRY[identifier["class_name"]](**dict(identifier.get("config") or {}))
    if callable(identifier):
        cls = _FUNCTIONS.get(identifier)
        return cls() if cls else LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Valid names: {names()}")


def _function(cls):
    def fn(y_true, y_pred, **kwargs):
        return cls(reduction="none", **kwargs)(y_true, y_pred)

    fn.__name__ = fn.__qualname__ = cls.name
    fn.__doc__ = f"Per-sample {cls.name} (Keras order: y_true, y_pred); see {cls.__name__}."
    return fn


# Keras's loss functions: one value per sample (the last axis reduced), no reduction.
mean_squared_error = mse = MSE = _function(MeanSquaredError)
mean_absolute_error = mae = MAE = _function(MeanAbsoluteError)
mean_absolute_percentage_error = mape = MAPE = _function(MeanAbsolutePercentageError)
mean_squared_logarithmic_error = msle = MSLE = _function(MeanSquaredLogarithmicError)
binary_crossentropy = bce = BCE = _function(BinaryCrossentropy)
categorical_crossentropy = _function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy)
kl_divergence = kld = KLD = _function(KLDivergence)
huber, log_cosh, poisson = _function(Huber), _function(LogCosh), _function(Poisson)
hinge, squared_hinge = _function(Hinge), _function(SquaredHinge)
categorical_hinge, cosine_similarity = _function(CategoricalHinge), _function(CosineSimilarity)
_FUNCTIONS = {f: c for c in _CLASSES for f in [globals().get(c.name)] if f is not None}
_FUNCTIONS[huber] = Huber
