"""Metrics: running (optionally weighted) means over every sample seen since ``reset_state``.

``update_state(y_true, y_pred, sample_weight=None)`` adds a batch, ``result()`` returns a
Python float, ``reset_state()`` starts over.  ``.name`` is exactly the string the user
passed (``"acc"`` -> history key ``acc``, docs/keras-reference.md A2) and ``.direction`` tells
callbacks whether bigger is better (``"up"``) or worse (``"down"``).

Most metrics are means of a per-sample value ``v_i`` (the last axis reduced):
``result = sum(w_i v_i) / sum(w_i)`` (w = 1 without sample weights).

Accuracy resolution (A2), with yt = y_true, yp = y_pred: ``yp.shape[-1] == 1`` ->
binary; else ``rank(yt) < rank(yp)`` or (``yt.shape[-1] == 1`` and ``yp.shape[-1] > 1``)
-> sparse categorical; else categorical.  ``"crossentropy"``/``"ce"`` resolve the same
way (tf.keras 2.x; Keras 3 rejects them as metrics).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from scratchdl import losses
from scratchdl.variables import Variable

__all__ = [
    "Metric", "Mean", "MeanMetricWrapper", "BinaryAccuracy", "CategoricalAccuracy",
    "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "RootMeanSquaredError", "R2Score", "Precision", "Recall",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "get", "resolve", "names",
]  # fmt: skip


class Metric:
    """Base: a weighted running mean of ``values(yt, yp)`` (one value per sample)."""

    name = "metric"
    direction = "up"
    _params: tuple = ()

    def __init__(self, name: str | None = None, dtype: DTypeLike | None = None) -> None:
        self.name = name or type(self).name
        self.dtype = np.dtype(np.float32 if dtype is None else dtype)  # add_weight's default
        self._metric_variables: list[Variable] = []
        Metric.reset_state(self)
        if type(self).reset_state.__module__ == __name__:  # built-in state, set up now
            self.reset_state()
        # A user's subclass creates its state (add_weight) after this returns, as in Keras.

    def reset_state(self) -> None:
        """Zero the running mean and every variable made by ``add_weight`` (Keras's default)."""
        self.total, self.count = 0.0, 0.0
        for var in getattr(self, "_metric_variables", []):
            var.assign(np.zeros(var.shape, var.dtype))

    def reset_states(self) -> None:
        """tf.keras 2.x's name of ``reset_state``."""
        self.reset_state()

    def add_weight(
        self,
        name: str | None = None,
        shape: tuple = (),
        initializer: str = "zeros",
        dtype: DTypeLike | None = None,
    ) -> Variable:
        """A state Variable (not trainable), e.g. a running count, as Keras's metrics keep."""
        from scratchdl import initializers

        init = initializers.get(initializer)
        value = init(tuple(shape), np.random.default_rng(0), dtype=np.dtype(dtype or self.dtype))
        var = Variable(
            value, trainable=False, name=name or f"{self.name}_{len(self._metric_variables)}"
        )
        self._metric_variables.append(var)
        return var

    @property
    def variables(self) -> list[Variable]:
        return list(self._metric_variables)

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        v = self.values(np.asarray(y_true), np.asarray(y_pred))
        if sample_weight is None:
            self.total += float(np.sum(v))
            self.count += v.size
        else:
            w = losses._align_weight(sample_weight, v.shape, np.float64)
            self.total += float(np.sum(v * w))
            self.count += float(np.sum(w))

    def result(self) -> float:
        return float(self.total / self.count) if self.count else 0.0

    def get_config(self) -> dict:
        return {"name": self.name, **{k: getattr(self, k) for k in self._params}}

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, result={self.result():.4g})"


class Mean(Metric):
    """Weighted running mean of values: result = sum(w v) / sum(w) (the model's loss tracker).

    ``update_state(values, sample_weight=None)``; e.g. ``update_state(batch_loss, n_batch)``.
    """

    name = "mean"
    direction = "down"

    def update_state(self, values: ArrayLike, sample_weight: ArrayLike | None = None) -> None:
        v = np.asarray(values, dtype=np.float64)
        w = np.broadcast_to(1.0 if sample_weight is None else np.asarray(sample_weight), v.shape)
        self.total += float(np.sum(v * w))
        self.count += float(np.sum(w))


class MeanMetricWrapper(Metric):
    """Mean of ``fn(y_true, y_pred)`` (per-sample values), e.g. a loss function as a metric."""

    def __init__(
        self,
        fn: Callable[[np.ndarray, np.ndarray], ArrayLike],
        name: str | None = None,
        direction: str = "down",
    ) -> None:
        self.fn, self.direction = fn, direction
        super().__init__(name or getattr(fn, "__name__", "metric"))

    def values(self, yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
        return np.asarray(self.fn(yt, yp), dtype=np.float64)


class BinaryAccuracy(Metric):
    """v_i = mean(yt == (yp > threshold)) over the last axis; yt of shape yp or (N,) for (N, 1)."""

    name = "binary_accuracy"
    _params = ("threshold",)

    def __init__(
        self, name: str | None = None, dtype: DTypeLike | None = None, threshold: float = 0.5
    ) -> None:
        self.threshold = float(threshold)
        super().__init__(name, dtype)

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        if sample_weight is not None:
            return super().update_state(y_true, y_pred, sample_weight)
        yt, yp = np.asarray(y_true), np.asarray(y_pred)
        hits = np.count_nonzero(_align_labels(yt, yp) == (yp > self.threshold))
        d = yp.shape[-1] if yp.ndim > 1 else 1
        self.total += hits / d
        self.count += yp.size // d

    def values(self, yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
        hits = _align_labels(yt, yp) == (yp > self.threshold)
        return np.mean(hits, axis=-1) if yp.ndim > 1 else hits.astype(np.float64)


class CategoricalAccuracy(Metric):
    """v_i = [argmax(yt) == argmax(yp)] (one-hot or soft labels)."""

    name = "categorical_accuracy"

    def values(self, yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
        return (np.argmax(yt, axis=-1) == np.argmax(yp, axis=-1)).astype(np.float64)

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        if sample_weight is not None:
            return super().update_state(y_true, y_pred, sample_weight)
        hits = np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)
        self.total += int(np.count_nonzero(hits))
        self.count += hits.size


class SparseCategoricalAccuracy(CategoricalAccuracy):
    """v_i = [yt == argmax(yp)] with integer labels yt of shape (N,) or (N, 1)."""

    name = "sparse_categorical_accuracy"

    def values(self, yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
        return (_sparse(yt, yp) == np.argmax(yp, axis=-1)).astype(np.float64)

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        if sample_weight is not None:
            return Metric.update_state(self, y_true, y_pred, sample_weight)
        if (  # fit's case, (N,) labels for (N, C) arrays: skip the checks per batch
            type(y_true) is np.ndarray
            and type(y_pred) is np.ndarray
            and y_true.shape == y_pred.shape[:-1]
        ):
            self.total += int(np.count_nonzero(y_pred.argmax(axis=-1) == y_true))
            self.count += y_true.size
            return None
        yp = np.asarray(y_pred)
        hits = _sparse(np.asarray(y_true), yp) == np.argmax(yp, axis=-1)
        self.total += int(np.count_nonzero(hits))
        self.count += hits.size


class TopKCategoricalAccuracy(Metric):
    """v_i = [the true class is among the k largest yp] (fewer than k scores beat it)."""

    name = "top_k_categorical_accuracy"
    _params = ("k",)

    def __init__(self, k: int = 5, name: str | None = None, dtype: DTypeLike | None = None) -> None:
        self.k = int(k)
        super().__init__(name, dtype)

    def _labels(self, yt, yp):
        return np.argmax(yt, axis=-1)

    def values(self, yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
        k = self._labels(yt, yp)[..., None]
        score = np.take_along_axis(yp, k, axis=-1)
        return (np.sum(yp > score, axis=-1) < self.k).astype(np.float64)


class SparseTopKCategoricalAccuracy(TopKCategoricalAccuracy):
    """Top-k accuracy with integer labels of shape (N,) or (N, 1)."""

    name = "sparse_top_k_categorical_accuracy"

    def _labels(self, yt, yp):
        return _sparse(yt, yp).astype(np.intp)


def _loss_metric(loss_cls, doc):
    class _M(Metric):
        __doc__ = doc
        name = loss_cls.name
        direction = "down"

        def values(self, yt, yp):
            yp = yp if np.issubdtype(yp.dtype, np.floating) else yp.astype(np.float64)
            return np.asarray(loss_cls(reduction="none").forward(yp, yt), dtype=np.float64)

    _M.__name__ = _M.__qualname__ = loss_cls.__name__
    return _M


MeanSquaredError = _loss_metric(losses.MeanSquaredError, "v_i = mean((yp - yt)**2).")
MeanAbsoluteError = _loss_metric(losses.MeanAbsoluteError, "v_i = mean(|yp - yt|).")
MeanAbsolutePercentageError = _loss_metric(
    losses.MeanAbsolutePercentageError, "v_i = 100 mean(|yt - yp| / max(|yt|, 1e-7))."
)
MeanSquaredLogarithmicError = _loss_metric(
    losses.MeanSquaredLogarithmicError, "v_i = mean((log1p(yp) - log1p(yt))**2)."
)
BinaryCrossentropy = _loss_metric(losses.BinaryCrossentropy, "Mean binary cross-entropy.")
CategoricalCrossentropy = _loss_metric(losses.CategoricalCrossentropy, "Mean cross-entropy.")
SparseCategoricalCrossentropy = _loss_metric(
    losses.SparseCategoricalCrossentropy, "Mean cross-entropy with integer labels."
)


class RootMeanSquaredError(MeanSquaredError):
    """result = sqrt(sum(w_i mse_i) / sum(w_i)) over everything seen (not a mean of batch RMSEs)."""

    name = "root_mean_squared_error"

    def result(self) -> float:
        return float(np.sqrt(super().result()))


class R2Score(Metric):
    """Coefficient of determination per output column, over everything seen.

    R2_j = 1 - SS_res_j / SS_tot_j, SS_res = sum(w (yt - yp)**2), SS_tot = sum(w (yt - mean yt)**2);
    result = mean_j R2_j ("uniform_average") or weighted by SS_tot ("variance_weighted_average").
    A column with SS_tot == 0 scores 0 (Keras).  Shapes: (N, D) or (N,).
    """

    name = "r2_score"
    _params = ("class_aggregation",)

    def __init__(
        self,
        class_aggregation: str = "uniform_average",
        num_regressors: int = 0,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        if class_aggregation not in ("uniform_average", "variance_weighted_average"):
            raise ValueError(
                "class_aggregation must be 'uniform_average' or 'variance_weighted_average', "
                f"received {class_aggregation!r}"
            )
        if num_regressors != 0:
            raise ValueError(f"num_regressors is not supported, received {num_regressors!r}")
        self.class_aggregation = class_aggregation
        super().__init__(name, dtype)

    def reset_state(self) -> None:
        self.sums = None  # [sum w, sum w yt, sum w yt**2, sum w (yt - yp)**2] per column

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        yp = np.asarray(y_pred, dtype=np.float64)
        yp = yp.reshape(len(yp), -1)
        yt = np.asarray(y_true, dtype=np.float64).reshape(yp.shape)
        w = np.ones((len(yp), 1)) if sample_weight is None else np.reshape(sample_weight, (-1, 1))
        w = np.broadcast_to(w, yp.shape)
        batch = np.stack([w, w * yt, w * yt * yt, w * (yt - yp) ** 2]).sum(axis=1)
        self.sums = batch if self.sums is None else self.sums + batch

    def result(self) -> float:
        if self.sums is None:
            return 0.0
        n, s, s2, ss_res = self.sums
        ss_tot = s2 - s * s / np.maximum(n, 1e-300)
        safe = np.where(ss_tot > 0, ss_tot, 1.0)
        r2 = np.where(ss_tot > 0, 1 - ss_res / safe, 0.0)
        if self.class_aggregation == "variance_weighted_average" and np.sum(ss_tot) > 0:
            return float(np.sum(r2 * ss_tot) / np.sum(ss_tot))
        return float(np.mean(r2))


class Precision(Metric):
    """Binary precision tp / (tp + fp) over all entries, predictions yp > thresholds (0.5)."""

    name = "precision"
    _params = ("thresholds",)

    def __init__(
        self,
        thresholds: float | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        self.thresholds = 0.5 if thresholds is None else float(thresholds)
        super().__init__(name, dtype)

    def reset_state(self) -> None:
        self.tp = self.fp = self.fn = 0.0

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        yp = np.asarray(y_pred)
        yt = losses._align(np.asarray(y_true), yp, self.name) > 0.5
        pred = yp > self.thresholds
        w = (
            1.0
            if sample_weight is None
            else losses._align_weight(sample_weight, yp.shape[:-1], np.float64)[..., None]
        )
        self.tp += float(np.sum((pred & yt) * w))
        self.fp += float(np.sum((pred & ~yt) * w))
        self.fn += float(np.sum((~pred & yt) * w))

    def result(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0


class Recall(Precision):
    """Binary recall tp / (tp + fn) over all entries, predictions yp > thresholds (0.5)."""

    name = "recall"

    def result(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def _align_labels(yt, yp):
    return yt if yt.shape == yp.shape else losses._align(yt, yp, "accuracy")


def _sparse(yt, yp):
    """Integer labels (N,) from (N,) or (N, 1) for predictions (N, C)."""
    if yt.ndim == yp.ndim and yt.shape[-1] == 1:
        yt = yt[..., 0]
    if yt.shape != yp.shape[:-1]:
        raise ValueError(
            f"sparse labels of shape {yt.shape} do not fit predictions of shape {yp.shape}; "
            f"expected {yp.shape[:-1]} or {(*yp.shape[:-1], 1)}"
        )
    return yt


_CLASSES = [BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
            TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError,
            MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
            RootMeanSquaredError, R2Score, Precision, Recall, BinaryCrossentropy,
            CategoricalCrossentropy, SparseCategoricalCrossentropy, Mean]  # fmt: skip
_REGISTRY = {
    **{c.name: c for c in _CLASSES}, **{c.__name__: c for c in _CLASSES},
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "rmse": RootMeanSquaredError, "r2": R2Score,
}  # fmt: skip
_ACC = (BinaryAccuracy, SparseCategoricalAccuracy, CategoricalAccuracy)
_CE = (BinaryCrossentropy, SparseCategoricalCrossentropy, CategoricalCrossentropy)
_AUTO = {"accuracy": _ACC, "acc": _ACC, "crossentropy": _CE, "ce": _CE}


def names() -> list[str]:
    """Every string ``get`` accepts ("accuracy"/"acc"/"crossentropy"/"ce" in any case)."""
    return sorted([*_REGISTRY, *_AUTO])


def _shape(x):
    return tuple(x) if isinstance(x, tuple) else np.shape(x)


def resolve(
    name: str, y_true: ArrayLike | tuple[int, ...], y_pred: ArrayLike | tuple[int, ...]
) -> Metric:
    """The metric for "accuracy"/"acc"/"crossentropy"/"ce" given the label and output shapes
    (arrays or shape tuples), named exactly ``name``."""
    binary, sparse, categorical = _AUTO[name.lower()]
    yt, yp = _shape(y_true), _shape(y_pred)
    if yp[-1:] == (1,):
        return binary(name=name)
    if len(yt) < len(yp) or (yt[-1:] == (1,) and yp[-1] > 1):
        return sparse(name=name)
    return categorical(name=name)


class _AutoResolved(Metric):
    """Stands for "accuracy" until the first batch shows the shapes, then delegates."""

    def reset_state(self) -> None:
        if getattr(self, "inner", None) is not None:
            self.inner.reset_state()

    def update_state(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> None:
        if getattr(self, "inner", None) is None:
            self.inner = resolve(self.name, y_true, y_pred)
            self.direction = self.inner.direction
        self.inner.update_state(y_true, y_pred, sample_weight)

    def result(self) -> float:
        return self.inner.result() if getattr(self, "inner", None) is not None else 0.0


def get(
    identifier: str | dict[str, Any] | Metric | Callable[..., ArrayLike],
    y_true: ArrayLike | tuple[int, ...] | None = None,
    y_pred: ArrayLike | tuple[int, ...] | None = None,
) -> Metric:
    """A Metric from an instance, a string (named exactly as passed), a config dict or a
    function ``fn(y_true, y_pred) -> per-sample values``.  Unknown names -> ValueError."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in _AUTO:
            if y_true is None or y_pred is None:
                auto = _AutoResolved(identifier)
                auto.direction = "up" if identifier.lower() in ("accuracy", "acc") else "down"
                return auto
            return resolve(identifier, y_true, y_pred)
        if identifier not in _REGISTRY:
            raise ValueError(f"Unknown metric: {identifier!r}. Valid names: {names()}")
        return _REGISTRY[identifier](name=identifier)
    if isinstance(identifier, dict) and identifier.get("class_name") in _REGISTRY:
        return _REGISTRY[identifier["class_name"]](**dict(identifier.get("config") or {}))
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Valid names: {names()}"
    )
