"""Pooling layers: MaxPooling2D, AveragePooling2D and their global forms.

The windows are the same as a convolution's (``layers.im2col``); a pooling layer has no
parameters.  The windowed pools work in the input's own layout, one strided view per
window offset; the global pools reduce over the spatial axes of a channels-last view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.layers.base import Layer
from scratchdl.layers.conv import (
    check_data_format,
    check_padding,
    image_pair,
    join_image_shape,
    keras_name,
    split_image_shape,
)
from scratchdl.layers.im2col import conv_output_length, pad_image, padding_amounts, window_offsets

__all__ = [
    "MaxPooling2D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "MaxPool2D",
    "AvgPool2D",
]


def _to_last(x, channels_last):
    return x if channels_last else x.transpose(0, 2, 3, 1)


def _from_last(y, channels_last):
    return y if channels_last else y.transpose(0, 3, 1, 2)


class _Pooling2D(Layer):
    """Shared arguments and shapes of the windowed 2-D pools.

    The math runs in the input's own layout (the spatial axes are 1, 2 for channels_last
    and 2, 3 for channels_first): every window offset (ky, kx) is one strided view of the
    padded input holding that cell of all windows, so no transposing copy is made.
    """

    keras_prefix = "pooling2d"

    def __init__(
        self,
        pool_size: int | Sequence[int] = (2, 2),
        strides: int | Sequence[int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**keras_name(kw, self.keras_prefix))
        self.pool_size = image_pair("pool_size", pool_size)
        self.strides = self.pool_size if strides is None else image_pair("strides", strides)
        self.padding = check_padding(padding)
        self.data_format = check_data_format(data_format)

    @property
    def channels_last(self) -> bool:
        return self.data_format == "channels_last"

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        h, w, c = split_image_shape(input_shape, self.channels_last, type(self).__name__)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        oh = conv_output_length(h, ph, sh, self.padding)
        ow = conv_output_length(w, pw, sw, self.padding)
        if oh <= 0 or ow <= 0:
            raise ValueError(
                f"{type(self).__name__} pool_size={self.pool_size} is larger than the input "
                f"{h}x{w} with padding='valid'"
            )
        return join_image_shape(oh, ow, c, self.channels_last)

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        h, w, _ = split_image_shape(input_shape, self.channels_last, type(self).__name__)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        self._pads = (
            padding_amounts(h, ph, sh, self.padding),
            padding_amounts(w, pw, sw, self.padding),
        )

    def _hw(self, shape):
        """(H, W) of an image batch's shape in this layer's layout."""
        return shape[1:3] if self.channels_last else shape[2:4]

    def _index(self, rows, cols):
        """The index selecting ``rows`` x ``cols`` of every image and channel."""
        if self.channels_last:
            return (slice(None), rows, cols, slice(None))
        return (slice(None), slice(None), rows, cols)

    def _offset_slices(self, out_h, out_w):
        """For each window offset (ky, kx) in order: ``(ky*pw + kx, index)`` where
        ``x_pad[index]`` holds that cell of every window, shaped like the output."""
        (ph, pw) = self.pool_size
        for ky, kx, rows, cols in window_offsets(ph, pw, self.strides, out_h, out_w):
            yield ky * pw + kx, self._index(rows, cols)

    def _padded(self, x, pad_value):
        """The padded input and the output size (oh, ow)."""
        x_pad = pad_image(x, self._pads, self.channels_last, pad_value)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        hp, wp = self._hw(x_pad.shape)
        return x_pad, (hp - ph) // sh + 1, (wp - pw) // sw + 1

    def _crop(self, dx_pad):
        (t, _), (left, _) = self._pads
        h, w = self._hw(self._x_shape)
        return dx_pad[self._index(slice(t, t + h), slice(left, left + w))]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            pool_size=list(self.pool_size),
            strides=list(self.strides),
            padding=self.padding,
            data_format=self.data_format,
        )
        return config


class MaxPooling2D(_Pooling2D):
    """The maximum of each window, per channel.

    Forward:  y[n, i, j, c] = max over the window (i*sh + ky, j*sw + kx) of x_pad[n, ., ., c]
              with "same" padding cells = -inf (padding never wins, as Keras).
              Computed as a running maximum over the ph*pw window offsets, each one a
              strided view of all windows at once (ph*pw vectorised steps, no im2col copy).
              In training the same loop records the winner ``arg_max`` (the offset
              k = ky*pw + kx of each window's first maximum, shaped like the output): the
              offset k becomes the winner where its cell is strictly greater than the
              running maximum, so later offsets only win by being larger and
              ``arg = max_k (k * [x_k > max(x_0..x_{k-1})])``.
    Backward: dx = dout routed to the winning cell of each window (``arg == k``; summed
              where windows overlap); zero elsewhere.  After an inference-mode forward the
              winners are found again from the saved input.
    Ties:     the first maximum in window order (ky, then kx) wins and takes the whole
              gradient, as the book's ``argmax`` and TensorFlow do.  A NaN makes the
              window's output NaN; its gradient then goes to the largest cell before the
              NaN (``np.argmax`` would name the NaN's cell).
    Shapes:   (N, H, W, C) -> (N, oh, ow, C) for channels_last.

    Args (Keras names and defaults): pool_size=(2, 2), strides=None (= pool_size),
        padding="valid" | "same", data_format=None (channels_last).
    """

    keras_prefix = "max_pooling2d"
    pad_value = -np.inf  # "same" padding never wins (the book's Pooling sets 0)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._x_shape = x.shape
        x_pad, out_h, out_w = self._padded(x, self.pad_value)
        self._pad_shape = x_pad.shape
        if training:  # the winners are all the backward needs (the input is not kept)
            self._y, self._arg = self._winners(x_pad, out_h, out_w)
            self._x_pad = None
            return self._y
        self._x_pad = x_pad  # to find the winners if a backward follows
        y = None
        for _, index in self._offset_slices(out_h, out_w):
            v = x_pad[index]
            y = v.copy() if y is None else np.maximum(y, v, out=y)
        self._y, self._arg = y, None
        return y

    def _winners(self, x_pad, out_h, out_w):
        """(y, arg): the running maximum and the offset of each window's first maximum."""
        (ph, pw) = self.pool_size
        arg_type = np.min_scalar_type(ph * pw - 1)
        y = arg = None
        for k, index in self._offset_slices(out_h, out_w):
            v = x_pad[index]
            if y is None:
                y, arg = v.copy(), np.zeros(v.shape, dtype=arg_type)
                continue
            better = np.greater(v, y)
            np.maximum(arg, better * arg_type.type(k), out=arg)
            np.maximum(y, v, out=y)
        return y, arg

    @property
    def arg_max(self) -> np.ndarray:
        """The offset ky*pw + kx of each window's winning cell, shaped like the output."""
        if self._arg is None:
            self._arg = self._winners(self._x_pad, *self._hw(self._y.shape))[1]
        return self._arg.astype(np.intp)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self._arg is None:  # the forward ran in inference mode
            self._arg = self._winners(self._x_pad, *self._hw(self._y.shape))[1]
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        (hp, wp), (oh, ow) = self._hw(self._pad_shape), self._hw(self._y.shape)
        overlap = sh < ph or sw < pw
        tiled = (sh, sw) == (ph, pw) and (hp, wp) == (oh * ph, ow * pw)
        # windows that tile the padded input write every cell once: no zero fill needed
        dtype = np.result_type(dout.dtype, self._y.dtype)
        dx_pad = (np.empty if tiled else np.zeros)(self._pad_shape, dtype=dtype)
        for k, index in self._offset_slices(*self._hw(self._y.shape)):
            won = self._arg == k
            if overlap:  # windows share cells: add
                dx_pad[index] += dout * won
            else:
                np.multiply(dout, won, out=dx_pad[index])
        return self._crop(dx_pad)


class AveragePooling2D(_Pooling2D):
    """The mean of each window, per channel.

    Forward:  y[n, i, j, c] = sum(window) / count[i, j]; count = the window's cells that
              lie inside the image ("same" padding cells are not counted, as Keras).
    Backward: every cell of window (i, j) receives dout[n, i, j, c] / count[i, j]
              (summed where windows overlap).
    Shapes:   (N, H, W, C) -> (N, oh, ow, C) for channels_last.

    Args: as MaxPooling2D.
    """

    keras_prefix = "average_pooling2d"

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        h, w, _ = split_image_shape(input_shape, self.channels_last, "AveragePooling2D")
        ones = np.ones((1, h, w, 1) if self.channels_last else (1, 1, h, w))
        self._count = self._window_sums(ones)[0].astype(self.dtype)  # (oh, ow, 1) / (1, oh, ow)

    def _window_sums(self, x):
        x_pad, out_h, out_w = self._padded(x, 0.0)
        total = None
        for _, index in self._offset_slices(out_h, out_w):
            v = x_pad[index]
            total = v.copy() if total is None else np.add(total, v, out=total)
        return total

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._x_shape = x.shape
        return self._window_sums(x) / self._count

    def backward(self, dout: np.ndarray) -> np.ndarray:
        d = dout / self._count
        shape = list(self._x_shape)
        (t, b), (left, r) = self._pads
        ax_h = 1 if self.channels_last else 2
        shape[ax_h] += t + b
        shape[ax_h + 1] += left + r
        dx_pad = np.zeros(shape, dtype=d.dtype)
        for _, index in self._offset_slices(*self._hw(d.shape)):
            dx_pad[index] += d
        return self._crop(dx_pad)


class _GlobalPooling2D(Layer):
    """Shared arguments of the global pools: data_format=None, keepdims=False."""

    keras_prefix = "global_pooling2d"

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**keras_name(kwargs, self.keras_prefix))
        self.data_format = check_data_format(data_format)
        self.keepdims = bool(keepdims)

    @property
    def channels_last(self) -> bool:
        return self.data_format == "channels_last"

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        _, _, c = split_image_shape(input_shape, self.channels_last, type(self).__name__)
        if not self.keepdims:
            return (c,)
        return join_image_shape(1, 1, c, self.channels_last)

    def _shape_out(self, y_nc):
        """(N, C) -> the output shape (keepdims adds the two unit axes)."""
        return y_nc.reshape((y_nc.shape[0],) + tuple(self.output_shape))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(data_format=self.data_format, keepdims=self.keepdims)
        return config


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over all positions: y[n, c] = sum_{i,j} x[n, i, j, c] / (H*W).

    Backward: dx[n, i, j, c] = dout[n, c] / (H*W).
    Shapes: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with keepdims (channels_last).
    """

    keras_prefix = "global_average_pooling2d"

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x_cl = _to_last(x, self.channels_last)
        self._x_shape_cl = x_cl.shape
        return self._shape_out(x_cl.mean(axis=(1, 2)))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, h, w, c = self._x_shape_cl
        d = dout.reshape(n, 1, 1, c) / (h * w)
        dx = np.broadcast_to(d, self._x_shape_cl).copy()
        return _from_last(dx, self.channels_last)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over all positions: y[n, c] = max_{i,j} x[n, i, j, c].

    Backward: dout[n, c] goes to the first (row-major) position of the maximum.
    Shapes: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with keepdims (channels_last).
    """

    keras_prefix = "global_max_pooling2d"

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x_cl = _to_last(x, self.channels_last)
        n, h, w, c = self._x_shape_cl = x_cl.shape
        flat = x_cl.reshape(n, h * w, c)
        self.arg_max = flat.argmax(axis=1)
        y = np.take_along_axis(flat, self.arg_max[:, None, :], axis=1)[:, 0, :]
        return self._shape_out(y)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, h, w, c = self._x_shape_cl
        dflat = np.zeros((n, h * w, c), dtype=dout.dtype)
        np.put_along_axis(dflat, self.arg_max[:, None, :], dout.reshape(n, 1, c), axis=1)
        return _from_last(dflat.reshape(n, h, w, c), self.channels_last)


MaxPool2D = MaxPooling2D  # Keras's aliases
AvgPool2D = AveragePooling2D
