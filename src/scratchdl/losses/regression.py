"""Regression, hinge and distribution losses: MSE, MAE, RMSE, MAPE, MSLE, Huber, LogCosh,
KL divergence, Poisson, hinge losses, cosine similarity (forward and backward each)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.losses.base import (
    EPSILON,
    Loss,
    _add_at,
    _align,
    _l2_normalize,
)


class MeanSquaredError(Loss):
    """Forward: l_i = mean((yp - yt)**2, axis=-1).  Backward: dl_i/dyp = 2 (yp - yt) / D.

    Plain version: ``scratchdl.losses.plain.mean_squared_error`` / ``mean_squared_error_grad``.
    """

    name = "mean_squared_error"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        d = yp - yt
        return np.mean(d * d, axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return (yp - yt) * (2.0 / yp.shape[-1])


class MeanAbsoluteError(Loss):
    """Forward: l_i = mean(|yp - yt|, axis=-1).  Backward: sign(yp - yt) / D (0 at yp == yt)."""

    name = "mean_absolute_error"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(np.abs(yp - yt), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.sign(yp - yt) * (1.0 / yp.shape[-1])


class RootMeanSquaredError(MeanSquaredError):
    """Forward: L = sqrt(MSE of the batch), the MSE reduced as above (with sample weights).

    Backward: dL/dyp = dMSE/dyp / (2 L) (0 when L == 0).
    Convention: Keras has RMSE only as a metric; this is the class notes' RMSE as a loss.
    Only the mean reductions are meaningful; "sum"/"none" raise ValueError.
    """

    name = "root_mean_squared_error"

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str | None = None
    ) -> None:
        if reduction in ("sum", "none", None):
            raise ValueError(f"RootMeanSquaredError needs a mean reduction, received {reduction!r}")
        super().__init__(reduction, name)

    def forward(
        self, y_pred: ArrayLike, y_true: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        self._value = float(np.sqrt(super().forward(y_pred, y_true, sample_weight)))
        return self._value

    def backward(self) -> np.ndarray:
        g = super().backward()
        return g * (0.5 / self._value) if self._value > 0 else np.zeros_like(g)


class MeanAbsolutePercentageError(Loss):
    """Forward: l_i = 100 mean(|yt - yp| / max(|yt|, eps)).

    Backward: 100 sign(yp - yt) / max(|yt|, eps) / D.
    """

    name = "mean_absolute_percentage_error"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(np.abs(yt - yp) / np.maximum(np.abs(yt), EPSILON), axis=-1) * 100.0

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.sign(yp - yt) / np.maximum(np.abs(yt), EPSILON) * (100.0 / yp.shape[-1])


class MeanSquaredLogarithmicError(Loss):
    """Forward: l_i = mean((log(max(yp,eps)+1) - log(max(yt,eps)+1))**2).

    Backward: 2 (a - b) / (max(yp, eps) + 1) / D where yp > eps, else 0.
    """

    name = "mean_squared_logarithmic_error"

    def _diff(self, yp, yt):
        return np.log1p(np.maximum(yp, EPSILON)) - np.log1p(np.maximum(yt, EPSILON))

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(np.square(self._diff(yp, yt)), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        g = self._diff(yp, yt) / (np.maximum(yp, EPSILON) + 1) * (yp > EPSILON)
        return g * (2.0 / yp.shape[-1])


class Huber(Loss):
    """Forward: e = yp - yt; l_i = mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2).

    Backward: clip(e, -delta, delta) / D.   Reference: Huber 1964.
    """

    name = "huber_loss"
    _params = ("delta",)

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
    ) -> None:
        super().__init__(reduction, name)
        self.delta = float(delta)

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        e = np.abs(yp - yt)
        quad = np.minimum(e, self.delta)
        return np.mean(0.5 * quad * quad + self.delta * (e - quad), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.clip(yp - yt, -self.delta, self.delta) * (1.0 / yp.shape[-1])


class LogCosh(Loss):
    """Forward: x = yp - yt; l_i = mean(log cosh x) = mean(x + softplus(-2x) - log 2) (stable).

    Backward: tanh(x) / D.
    """

    name = "log_cosh"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        x = yp - yt
        return np.mean(x + np.logaddexp(0, -2 * x) - np.log(2.0).item(), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.tanh(yp - yt) * (1.0 / yp.shape[-1])


class KLDivergence(Loss):
    """Forward: t = clip(yt, eps, 1), p = clip(yp, eps, 1); l_i = sum(t log(t / p)).

    Backward: -t / p where eps < yp < 1, else 0.
    """

    name = "kl_divergence"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        t, p = np.clip(yt, EPSILON, 1), np.clip(yp, EPSILON, 1)
        return np.sum(t * np.log(t / p), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return -np.clip(yt, EPSILON, 1) / np.clip(yp, EPSILON, 1) * ((yp > EPSILON) & (yp < 1))


class Poisson(Loss):
    """Forward: l_i = mean(yp - yt log(yp + eps)).  Backward: (1 - yt / (yp + eps)) / D."""

    name = "poisson"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(yp - yt * np.log(yp + EPSILON), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return (1 - yt / (yp + EPSILON)) * (1.0 / yp.shape[-1])


class Hinge(Loss):
    """Forward: l_i = mean(max(1 - yt yp, 0)); labels in {0, 1} become {-1, 1} (Keras).

    Backward: -yt [1 - yt yp > 0] / D.
    """

    name = "hinge"

    def _prepare_labels(self, yt, yp):
        yt = _align(yt, yp, self.name)
        return 2 * yt - 1 if np.all((yt == 0) | (yt == 1)) else yt

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(np.maximum(1 - yt * yp, 0), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return -yt * (1 - yt * yp > 0) * (1.0 / yp.shape[-1])


class SquaredHinge(Hinge):
    """Forward: l_i = mean(max(1 - yt yp, 0)**2).  Backward: -2 yt max(1 - yt yp, 0) / D."""

    name = "squared_hinge"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return np.mean(np.square(np.maximum(1 - yt * yp, 0)), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return -yt * np.maximum(1 - yt * yp, 0) * (2.0 / yp.shape[-1])


class CategoricalHinge(Loss):
    """Forward: pos = sum(yt yp), neg = max((1 - yt) yp); l_i = max(neg - pos + 1, 0).

    Backward (where l_i > 0): -yt + (1 - yt) onehot(argmax((1 - yt) yp)).
    """

    name = "categorical_hinge"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        pos, neg = np.sum(yt * yp, axis=-1), np.max((1 - yt) * yp, axis=-1)
        return np.maximum(neg - pos + 1, 0)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        k = np.argmax((1 - yt) * yp, axis=-1)[..., None]
        g = _add_at(-yt, k, 1 - np.take_along_axis(yt, k, axis=-1))
        return g * (self.per_sample(yp, yt) > 0)[..., None]


class CosineSimilarity(Loss):
    """Forward: l_i = -sum(t_hat p_hat), x_hat = x / sqrt(max(sum(x**2), 1e-12)) (last axis).

    Backward: -(t_hat - (t_hat . p_hat) p_hat) / |yp| (the normalisation's Jacobian).
    """

    name = "cosine_similarity"

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return -np.sum(_l2_normalize(yt) * _l2_normalize(yp), axis=-1)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        norm = np.sqrt(np.maximum(np.sum(yp * yp, axis=-1, keepdims=True), 1e-12))
        t_hat, p_hat = _l2_normalize(yt), yp / norm
        return -(t_hat - np.sum(t_hat * p_hat, axis=-1, keepdims=True) * p_hat) / norm
