"""The Loss base class, its reductions, and the shape/label helpers every loss uses.

See the package docstring (``scratchdl.losses``) for the reductions and the fused rule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.autodiff.calls import call_loss, on_tape
from scratchdl.autodiff.tape import GradientTape
from scratchdl.autodiff.tensor import Tensor, is_tensor, value_of
from scratchdl.eager import as_eager
from scratchdl.kernels import rows as _rows

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

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str | None = None
    ) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, received {reduction!r}")
        self.reduction = "sum_over_batch_size" if reduction in ("auto", "mean") else reduction
        self.name = name or type(self).name
        self._cache = None

    def __call__(
        self, y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> np.ndarray | Tensor:
        """Keras's order ``loss(y_true, y_pred)``; the value as an EagerTensor (``.numpy()``).

        The dtype is y_pred's float dtype (float32 for other inputs), as Keras's.
        """
        if on_tape(y_pred):  # recorded: its backward is self.backward()
            return call_loss(self, y_true, y_pred, sample_weight)
        value = self.forward(y_pred, y_true, sample_weight)
        dtype = self._cache[0].dtype if self._cache is not None else np.float32
        return as_eager(np.asarray(value, dtype=dtype))

    def forward(
        self, y_pred: ArrayLike, y_true: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float | np.ndarray:
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

    def forward_trusted(
        self, y_pred: np.ndarray, y_true: np.ndarray, sample_weight: ArrayLike | None = None
    ) -> float | np.ndarray:
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

    def backward(self) -> np.ndarray:
        """dL/dy_pred for the last forward (same dtype as y_pred)."""
        yp, yt, scale = self._last()
        return self.grad(yp, yt) * _expand(scale)

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        """Per-sample losses. A Keras-style subclass writes ``call(y_true, y_pred)`` instead."""
        if type(self).call is Loss.call:
            raise NotImplementedError(
                f"{type(self).__name__} defines neither call(y_true, y_pred) (Keras's way) nor "
                "per_sample(yp, yt) and grad(yp, yt)"
            )
        return record_loss(self, self.call, yp, yt)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        """dl_i/dyp: from the tape when the subclass wrote ``call`` with tf ops."""
        if type(self).call is Loss.call:
            raise NotImplementedError(f"{type(self).__name__} defines per_sample but not grad")
        return tape_gradient(self, yp)

    def call(self, y_true: ArrayLike, y_pred: ArrayLike) -> ArrayLike:
        """Keras's extension point: per-sample losses written with tensor ops."""
        raise NotImplementedError

    def fused_backward(self) -> np.ndarray:
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
        if type(self).call is not Loss.call:  # a Keras-style subclass: Keras's label rule
            return keras_labels(yt, yp)
        return _align(yt, yp, self.name)

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction}
        return {**config, **{k: getattr(self, k) for k in self._params}}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class LossFunctionWrapper(Loss):
    """A plain ``fn(y_true, y_pred) -> per-sample losses``: forward works; backward explains."""

    def __init__(
        self,
        fn: Callable[[np.ndarray, np.ndarray], ArrayLike],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
    ) -> None:
        super().__init__(reduction, name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def per_sample(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return record_loss(self, self.fn, yp, yt)

    def _prepare_labels(self, yt, yp):
        return keras_labels(yt, yp)

    def grad(self, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
        return tape_gradient(self, yp)


def keras_labels(yt: np.ndarray, yp: np.ndarray) -> np.ndarray:
    """The labels a user's loss receives, as Keras hands them over.

    A trailing axis of size 1 is added or removed so the ranks agree; float labels
    take the predictions' float dtype; integer labels stay integers (a sparse
    cross-entropy written by hand needs them: ``tf.one_hot(y_true, 10)``).
    """
    if yt.ndim == yp.ndim - 1 and yp.shape[-1] == 1:
        yt = yt[..., None]
    elif yt.ndim == yp.ndim + 1 and yt.shape[-1] == 1:
        yt = yt[..., 0]
    return yt.astype(yp.dtype) if yt.dtype.kind == "f" and yt.dtype != yp.dtype else yt


def record_loss(loss: Loss, fn: Callable, yp: np.ndarray, yt: np.ndarray) -> np.ndarray:
    """Per-sample losses of ``fn(y_true, y_pred)``, recorded on a tape for the backward.

    Used for losses written with tensor ops (a function, or a Loss subclass's
    ``call``): the forward runs once, and ``tape_gradient`` reads the same record.
    """
    x = Tensor(yp)
    with GradientTape() as tape:
        tape.watch(x)
        out = fn(Tensor(yt), x)
    loss._tape_state = (tape, x, out)
    return np.asarray(value_of(out), dtype=yp.dtype)


def tape_gradient(loss: Loss, yp: np.ndarray) -> np.ndarray:
    """d(sum of the per-sample losses)/dy_pred from the last ``record_loss``.

    Each per-sample loss depends on its own row, so the gradient of the sum gives
    every row's dl_i/dyp_i.
    """
    tape, x, out = loss._tape_state
    if not is_tensor(out):  # NumPy math: a value, but nothing on the tape
        raise ValueError(
            f"loss {loss.name!r} returned {type(out).__name__}, not a tensor: its math did not "
            "run on tensor operations, so it has no gradient. Write it with "
            "scratchdl.tensorflow ops (tf.reduce_mean, tf.square, ...) or use a built-in loss"
        )
    g = tape.gradient(out, x)
    return np.zeros_like(yp) if g is None else np.asarray(value_of(g), dtype=yp.dtype)


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
