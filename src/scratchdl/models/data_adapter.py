"""Checks and conversions of user data before training (clear errors, one cast).

Everything here runs once per ``fit``/``evaluate`` call, never per batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "InputArrays",
    "prepare_x",
    "check_batch_size",
    "check_fit_options",
    "check_steps",
    "check_validation_freq",
    "check_targets",
    "split_validation",
    "class_weights_to_sample_weights",
]


class InputArrays:
    """The arrays of a model with several inputs, sliced together.

    ``len()`` is the number of samples and ``[rows]`` selects the same rows of
    every array, so the loops of fit/evaluate/predict batch them as one array.
    """

    def __init__(self, arrays: list) -> None:
        sizes = {len(a) for a in arrays}
        if len(sizes) != 1:
            raise ValueError(
                f"all input arrays must have the same number of samples, received {sorted(sizes)}"
            )
        self.arrays = list(arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, rows: Any) -> InputArrays:
        return InputArrays([a[rows] for a in self.arrays])


def prepare_x(x: ArrayLike, dtype: DTypeLike) -> np.ndarray:
    """``x`` as a C-contiguous array of the model's float dtype (uint8 pixels included).

    The cast happens once for the whole array, so the training loop never mixes
    dtypes (no silent float64 from a uint8 or float64 input).
    """
    if x is None:
        raise ValueError("expected an input array x, received None")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise ValueError(f"x must hold numbers, received an array of dtype {x.dtype}")
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"x must have at least one sample, received shape {x.shape}")
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    return np.ascontiguousarray(x, dtype=dtype)


def check_batch_size(batch_size: int | None) -> int:
    """``None`` means 32 (Keras); anything but a positive integer raises ValueError."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(
            f"batch_size must be a positive integer, received batch_size={batch_size!r}"
        )
    if batch_size <= 0:
        raise ValueError(
            f"batch_size must be a positive integer, received batch_size={batch_size!r}"
        )
    return int(batch_size)


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, received {name}={value!r}")


def check_fit_options(epochs: int, initial_epoch: int, shuffle: bool | str) -> None:
    """``epochs``/``initial_epoch`` non-negative ints; ``shuffle`` a bool or ``"batch"``.

    As in Keras, ``initial_epoch >= epochs`` is allowed and trains nothing.
    """
    _check_count("epochs", epochs)
    _check_count("initial_epoch", initial_epoch)
    if not (isinstance(shuffle, (bool, np.bool_)) or shuffle == "batch"):
        raise ValueError(f"shuffle must be True, False or 'batch', received shuffle={shuffle!r}")


def check_steps(name: str, value: int | None) -> int | None:
    """``None`` or a positive integer (``steps_per_epoch``, ``validation_steps``, ``steps``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer or None, received {name}={value!r}")
    return int(value)


def check_validation_freq(freq: int | list[int]) -> int | list[int]:
    """An int >= 1 (every ``freq`` epochs) or a list of 1-based epoch numbers (Keras)."""
    if isinstance(freq, list):
        for epoch in freq:
            if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 1:
                raise ValueError(
                    f"validation_freq lists 1-based epoch numbers, received the entry {epoch!r}"
                )
        return [int(e) for e in freq]
    if isinstance(freq, bool) or not isinstance(freq, (int, np.integer)):
        raise ValueError(
            f"Expected `validation_freq` to be a list or int, received validation_freq={freq!r}"
        )
    if freq < 1:
        raise ValueError(f"validation_freq must be >= 1, received validation_freq={freq!r}")
    return int(freq)


def _check_sparse(y, n_classes):
    if y.ndim == 2 and y.shape[1] == n_classes and n_classes > 1:
        raise ValueError(
            f"sparse_categorical_crossentropy expects integer class labels of shape (N,) "
            f"or (N, 1), received one-hot-looking labels of shape {y.shape}; use "
            f"loss='categorical_crossentropy' for one-hot labels"
        )
    if not (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
        raise ValueError(
            f"sparse_categorical_crossentropy expects labels of shape (N,) or (N, 1), "
            f"received shape {y.shape}"
        )
    if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
        bad = y.ravel()[np.mod(y.ravel(), 1) != 0][0].item()
        raise ValueError(f"sparse labels must be whole numbers, received the label {bad!r}")
    lo, hi = y.min().item(), y.max().item()
    if lo < 0 or hi >= n_classes:
        bad = lo if lo < 0 else hi
        raise ValueError(
            f"sparse label {bad!r} is out of range: the model has {n_classes} outputs, "
            f"so labels must be in [0, {n_classes - 1}]"
        )


def _check_categorical(y, n_classes):
    if n_classes > 1 and (y.ndim == 1 or y.shape[-1] == 1):
        raise ValueError(
            f"categorical_crossentropy expects one-hot labels of shape (N, {n_classes}), "
            f"received integer-like labels of shape {y.shape}; use "
            f"loss='sparse_categorical_crossentropy' or to_categorical(y)"
        )
    if y.shape[-1] != n_classes:
        raise ValueError(f"labels have {y.shape[-1]} columns but the model has {n_classes} outputs")


def check_targets(loss: object, y: np.ndarray, output_shape: Sequence[int]) -> None:
    """Fail early, naming the value, when labels do not fit the loss and the model."""
    if y.dtype.kind not in "biuf":
        raise ValueError(f"y must hold numbers, received an array of dtype {y.dtype}")
    n_out = int(output_shape[-1])
    name = getattr(loss, "name", "")
    if name == "sparse_categorical_crossentropy":
        _check_sparse(y, n_out)
    elif name == "categorical_crossentropy":
        _check_categorical(y, n_out)
    elif y.ndim >= 2 and y.shape[-1] not in (1, n_out):
        raise ValueError(
            f"y has shape {y.shape} but the model's output has shape {tuple(output_shape)}"
        )


def split_validation(
    x: np.ndarray, y: np.ndarray, sw: np.ndarray | None, validation_split: float
) -> tuple[
    tuple[np.ndarray, np.ndarray, np.ndarray | None],
    tuple[np.ndarray, np.ndarray, np.ndarray | None],
]:
    """Keras's split: the *last* fraction is validation, taken before any shuffling."""
    v = validation_split
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not 0 < v < 1:
        raise ValueError(
            f"validation_split must be a float in the open interval (0, 1), "
            f"received validation_split={validation_split!r}"
        )
    n = len(x)
    split = int(math.floor(n * (1.0 - v)))
    if split in (0, n):
        raise ValueError(
            f"validation_split={validation_split} leaves an empty training or validation "
            f"set for {n} samples"
        )
    train = (x[:split], y[:split], None if sw is None else sw[:split])
    val = (x[split:], y[split:], None if sw is None else sw[split:])
    return train, val


def class_weights_to_sample_weights(y: np.ndarray, class_weight: dict[int, float]) -> np.ndarray:
    """Per-sample weights from ``{class: weight}``; classes not listed get 1.0."""
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight must be a dict {{class: weight}}, received {class_weight!r}"
        )
    labels = np.argmax(y, axis=-1) if (y.ndim == 2 and y.shape[1] > 1) else y.reshape(-1)
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(labels), dtype=np.float64)
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = float(w)
    return weights
