"""Dataset utilities: one-hot labels, shuffling, train/validation split, normalisation.

Randomness is explicit: functions that shuffle take ``rng``, an ``np.random.Generator`` or an
int seed (None draws fresh entropy, like ``np.random.default_rng()``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "as_generator",
    "normalize_pixels",
    "shuffle_dataset",
    "standardize",
    "to_categorical",
    "train_val_split",
]


def as_generator(rng: int | np.random.Generator | None = None) -> np.random.Generator:
    """Return ``rng`` if it is a Generator, else ``np.random.default_rng(rng)`` (int or None)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise ValueError(
        f"rng must be an np.random.Generator, an int seed or None, received rng={rng!r}"
    )


def to_categorical(
    y: ArrayLike, num_classes: int | None = None, dtype: DTypeLike = "float32"
) -> np.ndarray:
    """One-hot encode integer class labels (Keras's ``to_categorical``).

    Forward: out[..., k] = 1 where y == k, else 0.

    Shapes: y (...,) or (..., 1) -> (..., num_classes); a trailing axis of size 1 is squeezed
    first when y has 2+ dimensions, so (N, 1) gives (N, num_classes) but (1,) gives
    (1, num_classes), as in Keras.

    Args:
        y: integer labels in ``0 .. num_classes-1`` (an integer-valued float array is accepted).
        num_classes: default ``max(y) + 1``.
        dtype: output dtype, default float32.

    Convention: tf.keras's ``dtype="float32"`` default; Keras 3 has no ``dtype`` and returns
    float64, the book's ``_change_one_hot_label`` returns float64 too (pass ``dtype="float64"``).
    Keras casts float labels with ``int()`` (1.7 -> 1); here non-integer labels raise ValueError.
    """
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.size and (not np.all(np.isfinite(y)) or np.any(y != np.round(y)) or y.min() < 0):
        raise ValueError(f"to_categorical expects non-negative integer labels, received {y!r}")
    y = y.astype(np.int64)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ValueError(
            f"num_classes must be a non-negative integer, received num_classes={num_classes!r}"
        )
    if y.size and y.max() >= num_classes:
        raise ValueError(
            f"to_categorical: label {int(y.max())} out of range for num_classes={num_classes} "
            f"(expected labels in 0..{num_classes - 1})"
        )
    out = np.zeros((*y.shape, num_classes), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


def _check_same_length(x, t) -> None:
    if len(x) != len(t):
        raise ValueError(f"x and t must have the same length, received {len(x)} and {len(t)}")


def shuffle_dataset(
    x: np.ndarray, t: np.ndarray, rng: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Permute ``x`` and ``t`` together along axis 0 (the book's ``common/util.shuffle_dataset``).

    Args:
        x: inputs, any number of dimensions (the book supports 2-D and 4-D).
        t: labels or targets with ``len(t) == len(x)``.
        rng: Generator or seed. Convention: the book uses the global ``np.random.permutation``.

    Returns:
        ``(x[p], t[p])`` for one random permutation ``p`` (new arrays).
    """
    x, t = np.asarray(x), np.asarray(t)
    _check_same_length(x, t)
    p = as_generator(rng).permutation(len(x))
    return x[p], t[p]


def train_val_split(
    x: np.ndarray,
    y: np.ndarray,
    validation_split: float = 0.2,
    shuffle: bool = False,
    rng: int | np.random.Generator | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split off the last ``validation_split`` fraction as validation data (Keras's rule).

    Forward: split_at = floor(n * (1 - validation_split)); train = [:split_at], val = [split_at:].

    Args:
        x, y: arrays with the same first dimension.
        validation_split: fraction in [0, 1).
        shuffle: permute (x, y) together with ``rng`` before splitting.
        rng: Generator or seed, used when ``shuffle``.

    Returns:
        ``(x_train, y_train), (x_val, y_val)``.

    Convention: Keras's ``fit(validation_split=...)`` takes the *last* samples without
    shuffling; the book's hyper-parameter script shuffles and takes the *first* 20 %.
    """
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(
            f"validation_split must be in [0, 1), received validation_split={validation_split}"
        )
    x, y = np.asarray(x), np.asarray(y)
    _check_same_length(x, y)
    if shuffle:
        x, y = shuffle_dataset(x, y, rng)
    split_at = int(np.floor(len(x) * (1.0 - validation_split)))
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


def normalize_pixels(x: np.ndarray, dtype: DTypeLike = "float32") -> np.ndarray:
    """Scale 8-bit pixels to [0, 1]: ``x.astype(dtype) / 255`` (the book's ``normalize=True``)."""
    x = np.asarray(x)
    return x.astype(dtype) / np.asarray(255, dtype=dtype)


def standardize(
    x: np.ndarray,
    mean: np.ndarray | None = None,
    std: np.ndarray | None = None,
    axis: int | tuple[int, ...] = 0,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zero-mean, unit-variance features: ``(x - mean) / (std + epsilon)``.

    Args:
        x: data (float input keeps its dtype; integer input becomes float32).
        mean, std: statistics to reuse (e.g. the training set's for the test set);
            computed over ``axis`` when None.

    Returns:
        ``(x_std, mean, std)`` so the same statistics can be applied to other data.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    mean = x.mean(axis=axis, keepdims=True) if mean is None else np.asarray(mean, x.dtype)
    std = x.std(axis=axis, keepdims=True) if std is None else np.asarray(std, x.dtype)
    return (x - mean) / (std + np.asarray(epsilon, x.dtype)), mean, std
