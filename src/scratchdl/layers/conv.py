"""Conv2D and ZeroPadding2D: 2-D convolution as im2col + one GEMM (the book's chapter 7).

The argument checks shared with the pooling layers (``image_pair``, ``check_padding``,
``check_data_format``) live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl import activations as activations_module
from scratchdl import constraints as constraints_module
from scratchdl import initializers as initializers_module
from scratchdl import regularizers as regularizers_module
from scratchdl.layers.base import Layer, check_positive_int, unique_name
from scratchdl.layers.dense import get_or_none, kernel_bias_config
from scratchdl.layers.im2col import (
    conv_input_gradient,
    conv_output_length,
    image_columns,
    image_columns_adjoint,
    padding_amounts,
    patches,
)

__all__ = ["Conv2D", "ZeroPadding2D", "image_pair", "check_padding", "check_data_format"]

DATA_FORMATS = ("channels_last", "channels_first")


def keras_name(kwargs: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Keras's auto name (``conv2d``, ``max_pooling2d``, ...) unless ``name=`` was given.

    The base class would spell ``Conv2D`` as ``conv2_d``; Keras writes ``conv2d``.
    """
    if kwargs.get("name") is None:
        kwargs["name"] = unique_name(prefix)
    return kwargs


def image_pair(name: str, value: int | Sequence[int]) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(3, 2)`` stays; anything else non-positive raises ValueError."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else value
    try:
        pair = tuple(pair)
    except TypeError:
        pair = (value,)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a tuple of 2 ints, received {name}={value!r}")
    return tuple(check_positive_int(name, v) for v in pair)


def check_padding(padding: str) -> str:
    p = str(padding).lower() if isinstance(padding, str) else padding
    if p not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', received padding={padding!r}")
    return p


def check_data_format(data_format: str | None) -> str:
    """``None`` means channels_last (Keras's ``image_data_format()`` default)."""
    if data_format is None:
        return "channels_last"
    if data_format not in DATA_FORMATS:
        raise ValueError(
            "data_format must be 'channels_last' or 'channels_first', "
            f"received data_format={data_format!r}"
        )
    return data_format


def split_image_shape(
    input_shape: Sequence[int], channels_last: bool, layer_name: str
) -> tuple[int, int, int]:
    """``(H, W, C)`` from an input shape without the batch axis, or a clear error."""
    if len(input_shape) != 3:
        layout = "(height, width, channels)" if channels_last else "(channels, height, width)"
        raise ValueError(
            f"{layer_name} expects 4-D input (batch, *{layout}); "
            f"received input_shape={tuple(input_shape)} (batch axis excluded)"
        )
    if channels_last:
        h, w, c = input_shape
    else:
        c, h, w = input_shape
    return int(h), int(w), int(c)


def join_image_shape(h: int, w: int, c: int, channels_last: bool) -> tuple[int, int, int]:
    return (h, w, c) if channels_last else (c, h, w)


class Conv2D(Layer):
    """2-D convolution (cross-correlation, as in every DL library) plus optional activation.

    Forward (channels-last shown; ``col`` is im2col of the padded input)::

        col   = patches(x)                 (N*oh*ow, kh*kw*C)
        W_col = kernel.reshape(kh*kw*C, F)
        z     = col @ W_col + b            (N*oh*ow, F)  -> reshaped (N, oh, ow, F)
        y     = act(z)

    i.e. ``y[n, i, j, f] = act(b[f] + sum_{ky,kx,c} x_pad[n, i*sh+ky, j*sw+kx, c]
    * kernel[ky, kx, c, f])``.

    Backward (dout = dL/dy; dz = act'(z) * dout, as a (N*oh*ow, F) matrix)::

        dW_col = col.T @ dz      -> reshaped to kernel's (kh, kw, C, F)
        db     = sum(dz, axis=0)
        dcol   = dz @ W_col.T
        dx     = col2im(dcol)    (overlapping windows add up)
    (dW_col is computed as (dz.T @ col).T, faster in BLAS here; dcol and col2im as one GEMM
    per kernel offset added straight into dx, ``conv_input_gradient``).

    channels_first keeps the book's (c, ky, kx) column order but one column matrix per image,
    ``cols`` (N, C*kh*kw, oh*ow) (``image_columns``), so that ``W_rows @ cols[n]`` is image
    n's output already in (F, oh, ow) order: no transposing copy of y or of dout.

    Shapes: x (N, H, W, C) channels_last or (N, C, H, W) channels_first; kernel
    (kh, kw, C, filters) in both formats (as Keras); bias (filters,).  Output size per
    axis: valid ``(n - k)//s + 1``, same ``ceil(n/s)`` with the odd padding cell at the
    bottom/right (docs/convnets.md).

    Args (Keras names and defaults): filters, kernel_size, strides=(1, 1),
        padding="valid" | "same", data_format=None (channels_last), dilation_rate=(1, 1),
        groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
        bias_initializer="zeros", kernel/bias/activity regularizers, kernel/bias
        constraints.

    Convention: ``dilation_rate`` and ``groups`` other than 1 are not implemented and
    raise ValueError.  For channels_first, ``col``'s columns are in the book's (c, ky, kx)
    order, so the book's ``Convolution`` is this layer (``col_W = W.reshape(FN,-1).T``).
    ``need_input_grad = False`` (set by the model on the first layer) skips col2im.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = (1, 1),
        groups: int = 1,
        activation: str | dict[str, Any] | Callable[..., Any] | None = None,
        use_bias: bool = True,
        kernel_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "glorot_uniform",
        bias_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "zeros",
        kernel_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        bias_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        activity_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        kernel_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        bias_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**keras_name(kwargs, "conv2d"))
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = image_pair("kernel_size", kernel_size)
        self.strides = image_pair("strides", strides)
        self.padding = check_padding(padding)
        self.data_format = check_data_format(data_format)
        if image_pair("dilation_rate", dilation_rate) != (1, 1):
            raise ValueError(
                f"Conv2D: dilation_rate other than 1 is not implemented, "
                f"received dilation_rate={dilation_rate!r}"
            )
        if check_positive_int("groups", groups) != 1:
            raise ValueError(f"Conv2D: groups other than 1 is not implemented, received {groups}")
        self.activation = activations_module.get(activation)
        if self.data_format == "channels_first" and hasattr(self.activation, "axis"):
            raise ValueError(
                f"Conv2D: activation {activation!r} acts along an axis; with "
                "data_format='channels_first' use a separate layer after Conv2D"
            )
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = get_or_none(regularizers_module, kernel_regularizer)
        self.bias_regularizer = get_or_none(regularizers_module, bias_regularizer)
        self.activity_regularizer = get_or_none(regularizers_module, activity_regularizer)
        self.kernel_constraint = get_or_none(constraints_module, kernel_constraint)
        self.bias_constraint = get_or_none(constraints_module, bias_constraint)
        self.need_input_grad = True
        self._linear = getattr(self.activation, "name", None) == "linear"

    @property
    def channels_last(self) -> bool:
        return self.data_format == "channels_last"

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        h, w, _ = split_image_shape(input_shape, self.channels_last, "Conv2D")
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        oh = conv_output_length(h, kh, sh, self.padding)
        ow = conv_output_length(w, kw, sw, self.padding)
        if oh <= 0 or ow <= 0:
            raise ValueError(
                f"Conv2D kernel_size={self.kernel_size} is larger than the input "
                f"{h}x{w} with padding='valid'; output would be {oh}x{ow}"
            )
        return join_image_shape(oh, ow, self.filters, self.channels_last)

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        rng = rng if rng is not None else np.random.default_rng()
        h, w, c = split_image_shape(input_shape, self.channels_last, "Conv2D")
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        self._pads = (
            padding_amounts(h, kh, sh, self.padding),
            padding_amounts(w, kw, sw, self.padding),
        )
        kernel = self.kernel_initializer((kh, kw, c, self.filters), rng, dtype=self.dtype)
        self.add_param("kernel", kernel, self.kernel_regularizer, self.kernel_constraint)
        if self.use_bias:
            bias = self.bias_initializer((self.filters,), rng, dtype=self.dtype)
            self.add_param("bias", bias, self.bias_regularizer, self.bias_constraint)

    def kernel_matrix(self) -> np.ndarray:
        """``W_col`` (kh*kw*C, F) in ``col``'s column order (a view for channels_last)."""
        kernel = self.params["kernel"]
        if self.channels_last:
            return kernel.reshape(-1, self.filters)
        return kernel.transpose(2, 0, 1, 3).reshape(-1, self.filters)

    def _filter_rows(self):
        """channels_first: ``W_rows`` (F, C*kh*kw), rows in (c, ky, kx) order (= W_col.T;
        a view when the kernel is a view of the book's (FN, C, FH, FW) filters)."""
        return self.params["kernel"].transpose(3, 2, 0, 1).reshape(self.filters, -1)

    def im2col(self, x: np.ndarray) -> np.ndarray:
        """``col`` of ``x`` for this layer's kernel, strides and padding."""
        kh, kw = self.kernel_size
        return patches(x, kh, kw, self.strides, self._pads, self.channels_last)

    def output_hw(self, x_shape: tuple[int, ...]) -> tuple[int, int]:
        """(oh, ow) for an input of ``x_shape`` with this layer's padding cells."""
        h, w = x_shape[1:3] if self.channels_last else x_shape[2:4]
        ((t, b), (left, r)), (kh, kw), (sh, sw) = self._pads, self.kernel_size, self.strides
        return (h + t + b - kh) // sh + 1, (w + left + r - kw) // sw + 1

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        # with a bias, col carries a constant-1 input whose weight is the bias, so the one
        # product below is col @ W_col + b (and the backward's dW product yields db too)
        oh, ow = self.output_hw(x.shape)
        (kh, kw), bias = self.kernel_size, self.use_bias
        if self.channels_last:  # z (N*oh*ow, F): rows are already the (N, oh, ow, F) output
            col = patches(x, kh, kw, self.strides, self._pads, True, bias_column=bias)
            weights = self.kernel_matrix()
            if bias:
                weights = np.concatenate([weights, self.params["bias"][None]])
            z = col @ weights
        else:  # z (N, F, oh*ow): W_rows @ cols[n] is image n's (F, oh, ow) output
            col = image_columns(x, kh, kw, self.strides, self._pads, bias_row=bias)
            weights = self._filter_rows()
            if bias:
                weights = np.concatenate([weights, self.params["bias"][:, None]], axis=1)
            z = np.matmul(weights, col)
        self._col, self._x_shape = col, x.shape
        # the activation sees the output's own shape, as in Keras (a view of z)
        z = z.reshape((x.shape[0], *join_image_shape(oh, ow, self.filters, self.channels_last)))
        if self._linear:
            y = z
        elif self.activation.backward_uses_z:
            y, self._z = self.activation.forward(z), z
        else:
            y, self._z = self.activation.forward_inplace(z), None
        self._y = y
        return y

    def book_col(self) -> np.ndarray | None:
        """The last forward's ``col`` in the book's layout (N*oh*ow, C*kh*kw) (channels_first;
        a copy: the layer keeps it per image, see ``image_columns``)."""
        col = getattr(self, "_col", None)
        if col is None:
            return None
        k = self.params["kernel"][..., 0].size  # col's columns without the bias's ones
        if self.channels_last:
            return col[:, :k]
        return col[:, :k].transpose(0, 2, 1).reshape(-1, k)

    def _as_rows(self, dz):
        """dz (shaped like the output) as the products need it: (N*oh*ow, F) channels_last,
        (N, F, oh*ow) channels_first (a view when dz is contiguous)."""
        if not self.channels_last:
            n, f, oh, ow = dz.shape
            return dz.reshape(n, f, oh * ow)
        return dz.reshape(-1, self.filters)

    def activity_penalty(self) -> float:
        """``penalty(y) / N`` for the last forward (0 without an activity regularizer)."""
        if self.activity_regularizer is None:
            return 0.0
        return self.activity_regularizer(self._y) / self._x_shape[0]

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        d = dout
        if self.activity_regularizer is not None:
            d = d + self.activity_regularizer.gradient(self._y) / self._x_shape[0]
        dz = d if self._linear else self.activation.backward(d, self._z, self._y)
        return self._backward_rows(self._as_rows(dz))

    def backward_linear(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward from dL/dz (the fused-loss entry point), dz shaped like the output."""
        return self._backward_rows(self._as_rows(dz))

    def _backward_rows(self, dz):
        """dW, db and dx from dz in the layout of z (see ``_as_rows``)."""
        if not self.channels_last:
            return self._backward_images(dz)
        dkernel = self.grads["kernel"]
        k = dkernel[..., 0].size
        # dW_col.T (and db as its last column): faster in BLAS than col.T @ dz here (docs)
        dW_col_t = dz.T @ self._col
        dkernel[...] = dW_col_t[:, :k].T.reshape(dkernel.shape)
        if self.use_bias:
            self.grads["bias"][...] = dW_col_t[:, k]
        if not self.need_input_grad:
            return None
        # col2im(dz @ W_col.T), one kernel offset's block of dcol at a time
        kernel = self.params["kernel"]
        return conv_input_gradient(dz, kernel, self._x_shape, self.strides, self._pads)

    def _backward_images(self, dz):
        """channels_first, dz (N, F, oh*ow)::

        dW_rows = sum_n dz[n] @ cols[n].T   (taken as sum_n cols[n] @ dz[n].T, faster)
        db      = sum over n and positions of dz  (the row of the constant-1 input)
        dcols   = W_rows.T @ dz[n] per image -> dx = image_columns_adjoint(dcols)
        """
        dkernel = self.grads["kernel"]
        kh, kw, c, f = dkernel.shape
        k = kh * kw * c
        dW_t = np.matmul(self._col, dz.transpose(0, 2, 1)).sum(axis=0)  # (C*kh*kw [+1], F)
        dkernel[...] = dW_t[:k].reshape(c, kh, kw, f).transpose(1, 2, 0, 3)
        if self.use_bias:
            self.grads["bias"][...] = dW_t[k]
        if not self.need_input_grad:
            return None
        dcols = np.matmul(self._filter_rows().T, dz)
        return image_columns_adjoint(dcols, self._x_shape, kh, kw, self.strides, self._pads)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=list(self.kernel_size),
            strides=list(self.strides),
            padding=self.padding,
            data_format=self.data_format,
            **kernel_bias_config(self),
        )
        return config


def _padding_spec(padding):
    """Keras's ZeroPadding2D spec -> ((top, bottom), (left, right)), non-negative ints."""
    bad = ValueError(
        "padding must be an int, a tuple of 2 ints or a tuple of 2 tuples of 2 ints, "
        f"received padding={padding!r}"
    )
    if isinstance(padding, (int, np.integer)):
        spec = ((padding, padding), (padding, padding))
    else:
        try:
            a, b = padding
        except (TypeError, ValueError):
            raise bad from None
        if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
            spec = ((a, a), (b, b))
        else:
            try:
                spec = (tuple(a), tuple(b))
            except TypeError:
                raise bad from None
    flat = [v for pair in spec for v in pair]
    if len(flat) != 4 or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0 for v in flat
    ):
        raise bad
    return tuple(tuple(int(v) for v in pair) for pair in spec)


class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around each image.

    Forward:  y = x with ``top``/``bottom`` zero rows and ``left``/``right`` zero columns.
    Backward: dx = dout with those rows and columns cut away.
    Shapes:   (N, H, W, C) -> (N, H + top + bottom, W + left + right, C) (channels_last).

    Args (Keras): padding=(1, 1) -- an int (all sides), ``(rows, cols)`` (symmetric) or
        ``((top, bottom), (left, right))``; data_format=None (channels_last).
    """

    def __init__(
        self,
        padding: int | Sequence[int] | Sequence[Sequence[int]] = (1, 1),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**keras_name(kwargs, "zero_padding2d"))
        self.padding = _padding_spec(padding)
        self.data_format = check_data_format(data_format)

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        last = self.data_format == "channels_last"
        h, w, c = split_image_shape(input_shape, last, "ZeroPadding2D")
        (t, b), (left, r) = self.padding
        return join_image_shape(h + t + b, w + left + r, c, last)

    def _crop(self):
        (t, b), (left, r) = self.padding
        h, w = slice(t, -b if b else None), slice(left, -r if r else None)
        if self.data_format == "channels_last":
            return (slice(None), h, w, slice(None))
        return (slice(None), slice(None), h, w)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        y = np.zeros((x.shape[0],) + tuple(self.output_shape), dtype=x.dtype)
        y[self._crop()] = x
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout[self._crop()]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(padding=[list(p) for p in self.padding], data_format=self.data_format)
        return config
