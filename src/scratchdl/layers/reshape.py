"""Shape-only layers: ``InputLayer``, ``Flatten``, ``Reshape``, and ``Input``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.layers.base import Layer

__all__ = ["InputLayer", "Input", "Flatten", "Reshape"]


def _as_shape(name, value):
    if isinstance(value, (int, np.integer)):
        value = (int(value),)
    try:
        shape = tuple(int(d) for d in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a tuple of positive integers, received {value!r}"
        ) from None
    if any(d <= 0 for d in shape):
        raise ValueError(f"{name} must be a tuple of positive integers, received {value!r}")
    return shape


class InputLayer(Layer):
    """Declares the input shape (batch axis excluded); the identity in forward and backward.

    Args:
        shape: Keras 3's name, e.g. ``(28, 28)``.
        input_shape: tf.keras 2.x's name for the same; accepted (both spellings work
            here, since class notes use either).
        batch_input_shape / batch_shape: the shape with the batch axis first.
    """

    def __init__(
        self,
        shape: int | Sequence[int] | None = None,
        batch_size: int | None = None,
        dtype: DTypeLike | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        batch_shape = kwargs.pop("batch_shape", None) or kwargs.pop("batch_input_shape", None)
        input_shape = kwargs.pop("input_shape", None)
        kwargs.pop("sparse", None), kwargs.pop("ragged", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if shape is None:
            shape = input_shape
        if shape is None and batch_shape is not None:
            shape = tuple(batch_shape)[1:]
        if shape is None:
            raise ValueError("InputLayer needs a shape, e.g. InputLayer(shape=(784,))")
        self.shape = _as_shape("shape", shape)
        self.batch_size = batch_size

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["shape"] = list(self.shape)
        return config


def Input(
    shape: int | Sequence[int] | None = None,
    batch_size: int | None = None,
    dtype: DTypeLike | None = None,
    name: str | None = None,
    batch_shape: Sequence[int | None] | None = None,
) -> InputLayer:
    """``keras.Input``: here it returns an ``InputLayer`` for ``Sequential.add``.

    Convention: Keras returns a symbolic tensor for the functional API; scratchdl has
    only Sequential models, so the layer itself is the useful object.
    """
    return InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape
    )


class Flatten(Layer):
    """Forward ``(N, d1, ..., dk) -> (N, d1*...*dk)``; backward reshapes ``dout`` back.

    Rank-1 input ``(N,)`` becomes ``(N, 1)``.  With ``data_format="channels_first"``
    the channel axis (1) is moved last before flattening, as Keras does.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(
                "data_format must be 'channels_last' or 'channels_first', "
                f"received data_format={data_format!r}"
            )
        self.data_format = data_format

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape, dtype=np.int64)) if input_shape else 1,)

    def _channels_first(self, ndim):
        return self.data_format == "channels_first" and ndim > 2

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._shape = x.shape
        if self._channels_first(x.ndim):
            x = np.moveaxis(x, 1, -1)
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self._channels_first(len(self._shape)):
            s = self._shape
            moved = dout.reshape((s[0],) + s[2:] + (s[1],))
            return np.moveaxis(moved, -1, 1)
        return dout.reshape(self._shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Forward ``(N, ...) -> (N, *target_shape)`` (one -1 allowed); backward reshapes back."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"at most one -1 in target_shape, received {target_shape!r}")

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        n = int(np.prod(input_shape, dtype=np.int64))
        known = int(np.prod([d for d in self.target_shape if d != -1], dtype=np.int64))
        if -1 in self.target_shape:
            if n % known:
                raise ValueError(f"cannot reshape {tuple(input_shape)} to {self.target_shape}")
            return tuple(n // known if d == -1 else d for d in self.target_shape)
        if known != n:
            raise ValueError(f"cannot reshape {tuple(input_shape)} to {self.target_shape}")
        return self.target_shape

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._shape = x.shape
        return x.reshape((x.shape[0],) + self.output_shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
