"""im2col / col2im: a convolution as one matrix product (the book's chapter 7).

A convolution slides a ``kh x kw`` window over the (padded) image.  ``im2col``
copies every window into one row of a matrix ``col``; the convolution is then a
single GEMM ``col @ W_col`` and its input gradient is ``col2im`` of
``dcol = dout @ W_col.T``.

The book's conventions (reference: docs/convnets.md, "The book's im2col")::

    x    (N, C, H, W)
    out_h = (H + 2*pad - filter_h) // stride + 1      (likewise out_w)
    col  (N*out_h*out_w, C*filter_h*filter_w)
         row    r = (n*out_h + oy)*out_w + ox
         column k = (c*filter_h + ky)*filter_w + kx
    col[r, k] = x_pad[n, c, oy*stride + ky, ox*stride + kx]

``col2im`` is the adjoint (the transpose) of ``im2col``: each entry of ``col`` is
added back to the pixel it was copied from, so pixels shared by overlapping
windows receive the sum.  Hence ``<im2col(x), y> == <x, col2im(y)>`` for all x, y.

Two versions live here and are pinned together by tests:

* ``im2col_loop`` / ``col2im_loop`` -- the plain math, one window at a time.  Read
  these first.
* ``im2col`` / ``col2im`` -- the fast path the layers use: a strided *view* of all
  windows (``numpy.lib.stride_tricks.sliding_window_view``, no copy) turned into
  ``col`` by a single reshape copy; col2im adds the ``kh*kw`` kernel offsets back
  with ``kh*kw`` vectorised slice additions.  The measured alternatives (a Python
  loop filling ``col`` per kernel offset, ``np.tensordot``/``np.einsum`` straight on
  the window view, and ``kh*kw`` shifted GEMMs without ``col``) and why this one won
  are in docs/convnets.md ("Fast path").

The engine also needs channels-last images (Keras's default, ``(N, H, W, C)``),
asymmetric "same" padding and separate row/column strides; ``patches`` and
``patches_adjoint`` are the general forms (``im2col``/``col2im`` call them).  The layers
use two more forms of the same sums, each pinned to these by tests:
``image_columns`` (channels-first, one column matrix per image) with its adjoint, and
``conv_input_gradient`` (col2im of ``dz @ W_col.T`` one kernel offset at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

__all__ = [
    "im2col",
    "col2im",
    "im2col_loop",
    "col2im_loop",
    "patches",
    "patches_adjoint",
    "conv_input_gradient",
    "image_columns",
    "image_columns_adjoint",
    "conv_output_length",
    "padding_amounts",
]


# -- shape arithmetic (Keras's conv_output_length and TF's "same" placement) -----------
def conv_output_length(n: int, k: int, stride: int, padding: str) -> int:
    """Output length along one axis: valid ``(n - k)//stride + 1``; same ``ceil(n/stride)``."""
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1


def padding_amounts(n: int, k: int, stride: int, padding: str) -> tuple[int, int]:
    """``(before, after)`` zero cells for one axis.

    "same": ``P = max((out - 1)*stride + k - n, 0)``, ``before = P // 2``,
    ``after = P - before`` (the odd cell goes after, i.e. bottom/right, as TF does).
    "valid": ``(0, 0)``.
    """
    if padding != "same":
        return (0, 0)
    total = max((conv_output_length(n, k, stride, "same") - 1) * stride + k - n, 0)
    return (total // 2, total - total // 2)


def _as_pads(pad):
    """An int ``p`` -> ((p, p), (p, p)); a pair of pairs passes through as ints."""
    if isinstance(pad, (int, np.integer)):
        return ((int(pad), int(pad)), (int(pad), int(pad)))
    (t, b), (left, r) = pad
    return ((int(t), int(b)), (int(left), int(r)))


def _as_strides(stride):
    if isinstance(stride, (int, np.integer)):
        return (int(stride), int(stride))
    sh, sw = stride
    return (int(sh), int(sw))


def _spatial_axes(channels_last):
    return (1, 2) if channels_last else (2, 3)


def pad_image(
    x: np.ndarray,
    pads: tuple[tuple[int, int], tuple[int, int]],
    channels_last: bool,
    value: float = 0.0,
) -> np.ndarray:
    """``x`` with ``pads = ((top, bottom), (left, right))`` cells of ``value`` around H, W."""
    if pads == ((0, 0), (0, 0)):
        return x
    width = [(0, 0)] * 4
    ax_h, ax_w = _spatial_axes(channels_last)
    width[ax_h], width[ax_w] = pads[0], pads[1]
    return np.pad(x, width, mode="constant", constant_values=value)


def _out_hw(padded_h, padded_w, kh, kw, sh, sw):
    out_h, out_w = (padded_h - kh) // sh + 1, (padded_w - kw) // sw + 1
    if out_h <= 0 or out_w <= 0:
        raise ValueError(
            f"the window {kh}x{kw} does not fit the padded image {padded_h}x{padded_w}: "
            f"output size would be {out_h}x{out_w}"
        )
    return out_h, out_w


def window_offsets(
    kh: int, kw: int, strides: tuple[int, int], out_h: int, out_w: int
) -> Iterator[tuple[int, int, slice, slice]]:
    """For each kernel offset (ky, kx), row-major: ``(ky, kx, rows, cols)``, the strided
    slices of the padded image that hold cell (ky, kx) of every window (out_h x out_w)."""
    sh, sw = strides
    for ky in range(kh):
        rows = slice(ky, ky + sh * (out_h - 1) + 1, sh)
        for kx in range(kw):
            yield ky, kx, rows, slice(kx, kx + sw * (out_w - 1) + 1, sw)


def windows(
    x_pad: np.ndarray, kh: int, kw: int, strides: tuple[int, int], channels_last: bool
) -> np.ndarray:
    """A strided view of all windows (no copy).

    Shapes: channels-last x_pad (N, Hp, Wp, C) -> (N, out_h, out_w, kh, kw, C);
    channels-first x_pad (N, C, Hp, Wp) -> (N, out_h, out_w, C, kh, kw).
    """
    sh, sw = strides
    ax_h, ax_w = _spatial_axes(channels_last)
    _out_hw(x_pad.shape[ax_h], x_pad.shape[ax_w], kh, kw, sh, sw)
    v = sliding_window_view(x_pad, (kh, kw), axis=(ax_h, ax_w))
    if channels_last:  # (N, H', W', C, kh, kw)
        return v[:, ::sh, ::sw].transpose(0, 1, 2, 4, 5, 3)
    return v[:, :, ::sh, ::sw].transpose(0, 2, 3, 1, 4, 5)  # from (N, C, H', W', kh, kw)


# -- the general forms ---------------------------------------------------------------
def patches(
    x: np.ndarray,
    kh: int,
    kw: int,
    strides: int | tuple[int, int] = (1, 1),
    pads: int | tuple[tuple[int, int], tuple[int, int]] = 0,
    channels_last: bool = True,
    pad_value: float = 0.0,
    bias_column: bool = False,
) -> np.ndarray:
    """im2col for either layout: ``col`` of shape (N*out_h*out_w, kh*kw*C).

    Columns are ordered (ky, kx, c) for channels-last input (matching a Keras kernel
    ``(kh, kw, C, F)`` reshaped to ``(kh*kw*C, F)``) and (c, ky, kx) for channels-first
    input (the book's order, matching ``W.reshape(FN, -1).T`` for ``W (FN, C, kh, kw)``).
    ``pad_value`` fills the padding (``-inf`` for max pooling).  ``bias_column=True`` adds
    a last column of ones: the bias is then the weight of an input that is always 1, and
    ``col @ [[W_col], [b]]`` is ``col @ W_col + b`` in one product.
    """
    x_pad = pad_image(x, _as_pads(pads), channels_last, pad_value)
    v = windows(x_pad, kh, kw, _as_strides(strides), channels_last)
    n, out_h, out_w = v.shape[:3]
    k = kh * kw * (x.shape[-1] if channels_last else x.shape[1])
    if k == kh * kw:  # one channel
        return _one_channel_col(v.reshape(n, out_h, out_w, kh, kw), bias_column)
    # one copy of the window view; splitting col's contiguous last axis is a view
    col = np.empty((n, out_h, out_w, k + bias_column), dtype=v.dtype)
    _view(col[..., :k], v.shape)[...] = v
    if bias_column:
        col[..., k] = 1
    return col.reshape(n * out_h * out_w, k + bias_column)


def _view(a, shape):
    """``a.reshape(shape)`` for writing through: only axes that are contiguous in ``a`` are
    split, so NumPy returns a view; a copy would silently drop the writes, hence the check."""
    view = a.reshape(shape)
    if view.size and not np.may_share_memory(view, a):
        raise RuntimeError(f"reshaping {a.shape} to {shape} copied; expected a view")
    return view


def _one_channel_col(v, bias_column):
    """``col`` for one input channel, built column by column: ``col[:, ky*kw + kx]`` is the
    (N, oh, ow) block ``v[:, :, :, ky, kx]``, copied into row ky*kw + kx of a (k, N*oh*ow)
    buffer whose transpose (a view, which BLAS takes as it is) is returned.

    With a single channel the general copy walks all six axes of the window view element by
    element; these kh*kw block copies are 3-7x faster, and the GEMM on the transposed view
    is faster too (docs/convnets.md, "Fast path")."""
    n, out_h, out_w, kh, kw = v.shape
    col_t = np.empty((kh * kw + bias_column, n, out_h, out_w), dtype=v.dtype)
    for ky in range(kh):
        for kx in range(kw):
            col_t[ky * kw + kx] = v[:, :, :, ky, kx]
    if bias_column:
        col_t[-1] = 1
    return col_t.reshape(len(col_t), n * out_h * out_w).T


def patches_adjoint(
    dcol: np.ndarray,
    x_shape: tuple[int, ...],
    kh: int,
    kw: int,
    strides: int | tuple[int, int] = (1, 1),
    pads: int | tuple[tuple[int, int], tuple[int, int]] = 0,
    channels_last: bool = True,
) -> np.ndarray:
    """col2im for either layout: the adjoint of ``patches`` (overlaps are summed).

    ``dcol`` (N*out_h*out_w, kh*kw*C) in ``patches``'s column order -> dx of ``x_shape``.
    """
    (top, bottom), (left, right) = pads = _as_pads(pads)
    sh, sw = _as_strides(strides)
    if channels_last:
        n, h, w, c = x_shape
    else:
        n, c, h, w = x_shape
    hp, wp = h + top + bottom, w + left + right
    out_h, out_w = _out_hw(hp, wp, kh, kw, sh, sw)
    if channels_last:
        dx_pad = np.zeros((n, hp, wp, c), dtype=dcol.dtype)
        d6 = dcol.reshape(n, out_h, out_w, kh, kw, c)
    else:  # view dx_pad as (N, Hp, Wp, C) so that one loop body serves both layouts
        dx_pad = np.zeros((n, c, hp, wp), dtype=dcol.dtype)
        d6 = dcol.reshape(n, out_h, out_w, c, kh, kw).transpose(0, 1, 2, 4, 5, 3)
    target = dx_pad if channels_last else dx_pad.transpose(0, 2, 3, 1)
    for ky, kx, rows, cols in window_offsets(kh, kw, (sh, sw), out_h, out_w):
        target[:, rows, cols, :] += d6[:, :, :, ky, kx, :]
    if channels_last:
        return dx_pad[:, top : top + h, left : left + w, :]
    return dx_pad[:, :, top : top + h, left : left + w]


def conv_input_gradient(
    dz: np.ndarray,
    kernel: np.ndarray,
    x_shape: tuple[int, ...],
    strides: int | tuple[int, int] = (1, 1),
    pads: int | tuple[tuple[int, int], tuple[int, int]] = 0,
) -> np.ndarray:
    """dL/dx of a channels-last convolution: ``col2im(dz @ W_col.T)`` one kernel offset at a time.

    ``dz`` (N*oh*ow, F), ``kernel`` (kh, kw, C, F), ``x_shape`` (N, H, W, C).  The columns of
    ``dcol = dz @ W_col.T`` that belong to kernel offset (ky, kx) are ``dz @ kernel[ky, kx].T``
    (N*oh*ow, C); each such block is added straight onto the cells it was copied from::

        dx_pad[:, ky + sh*i, kx + sw*j, :] += (dz @ kernel[ky, kx].T)[(n, i, j), :]

    so the whole ``dcol`` is never stored.  Equal to ``patches_adjoint(dz @ W_col.T, ...)``
    (pinned by tests) and faster: 8.2 against 12.5 ms for W7's second convolution
    (docs/convnets.md, "Fast path").
    """
    (top, bottom), (left, right) = _as_pads(pads)
    sh, sw = _as_strides(strides)
    n, h, w, c = x_shape
    kh, kw = kernel.shape[:2]
    hp, wp = h + top + bottom, w + left + right
    out_h, out_w = _out_hw(hp, wp, kh, kw, sh, sw)
    dtype = np.result_type(dz.dtype, kernel.dtype, np.float32)  # as dz @ kernel.T would be
    dx_pad = np.zeros((n, hp, wp, c), dtype=dtype)
    block = np.empty((dz.shape[0], c), dtype=dtype)
    for ky, kx, rows, cols in window_offsets(kh, kw, (sh, sw), out_h, out_w):
        np.matmul(dz, kernel[ky, kx].T, out=block)
        dx_pad[:, rows, cols, :] += block.reshape(n, out_h, out_w, c)
    return dx_pad[:, top : top + h, left : left + w, :]


# -- per-image columns: the channels-first layers' layout ---------------------------
def image_columns(
    x: np.ndarray,
    kh: int,
    kw: int,
    strides: int | tuple[int, int] = (1, 1),
    pads: int | tuple[tuple[int, int], tuple[int, int]] = 0,
    bias_row: bool = False,
) -> np.ndarray:
    """im2col of channels-first ``x`` (N, C, H, W), one column matrix per image.

    ``cols`` (N, C*kh*kw, oh*ow) with ``cols[n, k, p] = x_pad[n, c, oy*sh + ky, ox*sw + kx]``,
    ``k = (c*kh + ky)*kw + kx`` and ``p = oy*ow + ox``: the book's ``col`` split by image and
    transposed, ``col[n*oh*ow + p, k] == cols[n, k, p]``.  ``bias_row=True`` adds a last row
    of ones (the bias as the weight of a constant input, see ``patches``).

    Why this layout: ``W (F, C*kh*kw) @ cols[n]`` is image n's output already in
    (F, oh, ow) order, so a channels-first convolution needs no transposing copy of its
    output or of its incoming gradient (docs/convnets.md, "Fast path").
    """
    sh, sw = _as_strides(strides)
    x_pad = pad_image(x, _as_pads(pads), False)
    _out_hw(x_pad.shape[2], x_pad.shape[3], kh, kw, sh, sw)
    v = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # N,C,oh,ow,kh,kw
    n, c, out_h, out_w = v.shape[:4]
    k = c * kh * kw
    cols = np.empty((n, k + bias_row, out_h * out_w), dtype=v.dtype)
    _view(cols[:, :k], (n, c, kh, kw, out_h, out_w))[...] = v.transpose(0, 1, 4, 5, 2, 3)
    if bias_row:
        cols[:, k] = 1
    return cols


def image_columns_adjoint(
    dcols: np.ndarray,
    x_shape: tuple[int, ...],
    kh: int,
    kw: int,
    strides: int | tuple[int, int] = (1, 1),
    pads: int | tuple[tuple[int, int], tuple[int, int]] = 0,
) -> np.ndarray:
    """The adjoint of ``image_columns``: ``dcols`` (N, C*kh*kw, oh*ow) -> dx (N, C, H, W).

    Each entry goes back to the pixel it was copied from; overlapping windows add up
    (``kh*kw`` vectorised slice additions, one per kernel offset).
    """
    (top, bottom), (left, right) = _as_pads(pads)
    sh, sw = _as_strides(strides)
    n, c, h, w = x_shape
    hp, wp = h + top + bottom, w + left + right
    out_h, out_w = _out_hw(hp, wp, kh, kw, sh, sw)
    d6 = dcols.reshape(n, c, kh, kw, out_h, out_w)
    dx_pad = np.zeros((n, c, hp, wp), dtype=dcols.dtype)
    for ky, kx, rows, cols in window_offsets(kh, kw, (sh, sw), out_h, out_w):
        dx_pad[:, :, rows, cols] += d6[:, :, ky, kx]
    return dx_pad[:, :, top : top + h, left : left + w]


# -- the book's functions ------------------------------------------------------------
def im2col(
    input_data: ArrayLike, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """The book's ``im2col``: (N, C, H, W) -> (N*out_h*out_w, C*filter_h*filter_w).

    Fast path (a strided view and one copy); equal to ``im2col_loop``.
    Convention: the book always returns float64; this keeps the input's float dtype
    (integer input becomes float64).
    """
    x = _float_array(input_data)
    _check_nchw(x.shape, "input_data")
    return patches(x, filter_h, filter_w, stride, pad, channels_last=False)


def col2im(
    col: ArrayLike,
    input_shape: Sequence[int],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    """The book's ``col2im``: the adjoint of ``im2col``; returns (N, C, H, W)."""
    _check_nchw(input_shape, "input_shape")
    col = _float_array(col)
    return patches_adjoint(col, tuple(input_shape), filter_h, filter_w, stride, pad, False)


def im2col_loop(
    input_data: ArrayLike, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """The plain math of ``im2col``: copy each window, one at a time, into a row of ``col``.

    For n, oy, ox in order: ``col[row] = x_pad[n, :, oy*s : oy*s+fh, ox*s : ox*s+fw]``
    flattened in (c, ky, kx) order.  Slow (a Python loop per output pixel); for reading.
    """
    x = _float_array(input_data)
    _check_nchw(x.shape, "input_data")
    N, C, H, W = x.shape
    x_pad = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")
    out_h, out_w = _out_hw(H + 2 * pad, W + 2 * pad, filter_h, filter_w, stride, stride)
    col = np.zeros((N * out_h * out_w, C * filter_h * filter_w), dtype=x.dtype)
    row = 0
    for n in range(N):
        for oy in range(out_h):
            for ox in range(out_w):
                y0, x0 = oy * stride, ox * stride
                col[row] = x_pad[n, :, y0 : y0 + filter_h, x0 : x0 + filter_w].reshape(-1)
                row += 1
    return col


def col2im_loop(
    col: ArrayLike,
    input_shape: Sequence[int],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    """The plain math of ``col2im``: add each row of ``col`` back onto its window."""
    _check_nchw(input_shape, "input_shape")
    col = _float_array(col)
    N, C, H, W = input_shape
    out_h, out_w = _out_hw(H + 2 * pad, W + 2 * pad, filter_h, filter_w, stride, stride)
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=col.dtype)
    row = 0
    for n in range(N):
        for oy in range(out_h):
            for ox in range(out_w):
                y0, x0 = oy * stride, ox * stride
                window = col[row].reshape(C, filter_h, filter_w)
                dx_pad[n, :, y0 : y0 + filter_h, x0 : x0 + filter_w] += window
                row += 1
    return dx_pad[:, :, pad : pad + H, pad : pad + W]


def _float_array(a):
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _check_nchw(shape, name):
    if len(shape) != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), received shape {tuple(shape)}")
