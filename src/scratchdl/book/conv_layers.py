"""The book's ``Convolution`` and ``Pooling`` (``common/layers.py``, chapter 7) on the engine.

    from scratchdl.book.common.layers import Convolution, Pooling
    conv = Convolution(W, b, stride=1, pad=0); out = conv.forward(x); dx = conv.backward(dout)
    conv.dW, conv.db, conv.col, conv.col_W

The math is the engine's (``scratchdl.layers.Conv2D`` and ``MaxPooling2D`` with
``data_format="channels_first"``); these classes only translate the book's arguments and
attributes (docs/convnets.md, "The book's chapter-7 API").

Conventions:
* ``W`` (FN, C, FH, FW) and ``b`` (FN,) are held by reference: an optimizer's in-place
  update ``W -= lr * dW`` is seen by the layer.  ``dW`` / ``db`` are arrays of the same
  shapes, overwritten (not re-created) by each ``backward``.
* ``Pooling``'s default stride is 2, the book repository's default since 2020 (it was 1
  before; docs/convnets.md says why we follow the current one).
* ``Pooling(pad>0)`` works (zero padding cells, as the book's im2col pads); the book's own
  layer ignores ``pad`` when sizing its output and fails on the reshape.
* Outputs keep the input's float dtype (the book's im2col always works in float64).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.layers.base import check_positive_int
from scratchdl.layers.conv import Conv2D
from scratchdl.layers.pooling import MaxPooling2D

__all__ = ["Convolution", "Pooling"]


def _check_pad(pad):
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, received pad={pad!r}")
    return int(pad)


class Convolution:
    """Convolution with the book's (N, C, H, W) layout, on the engine's Conv2D.

    Forward::

        col   = im2col(x, FH, FW, stride, pad)       (N*out_h*out_w, C*FH*FW)
        col_W = W.reshape(FN, -1).T                   (C*FH*FW, FN)
        out   = col @ col_W + b  -> (N, out_h, out_w, FN) -> transposed (N, FN, out_h, out_w)
        out_h = 1 + (H + 2*pad - FH) // stride        (likewise out_w)

    Backward (dout (N, FN, out_h, out_w) -> rows (N*out_h*out_w, FN))::

        db = sum(dout rows, axis=0)
        dW = (col.T @ dout rows).T reshaped to (FN, C, FH, FW)
        dx = col2im(dout rows @ col_W.T)

    Args:
        W: filters (FN, C, FH, FW).  b: biases (FN,).  stride, pad: ints (book defaults 1, 0).
    """

    def __init__(self, W: ArrayLike, b: ArrayLike, stride: int = 1, pad: int = 0) -> None:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 4 or b.shape != (W.shape[0],):
            raise ValueError(
                "Convolution expects W of shape (FN, C, FH, FW) and b of shape (FN,), "
                f"received W.shape={W.shape}, b.shape={b.shape}"
            )
        self.stride = check_positive_int("stride", stride)
        self.pad = _check_pad(pad)
        FN, C, FH, FW = W.shape
        layer = Conv2D(FN, (FH, FW), strides=self.stride, data_format="channels_first",
                       name="Convolution")  # fmt: skip
        layer.build((C, FH, FW), dtype=W.dtype)  # a placeholder size; pads set below
        layer._pads = ((self.pad, self.pad), (self.pad, self.pad))
        self._W, self._b = W, b
        self._dW, self._db = np.zeros_like(W), np.zeros_like(b)
        # the engine's kernel (FH, FW, C, FN) is a view of the book's W (FN, C, FH, FW)
        layer.params = {"kernel": W.transpose(2, 3, 1, 0), "bias": b}
        layer.grads = {"kernel": self._dW.transpose(2, 3, 1, 0), "bias": self._db}
        self.layer = layer
        self.x = None

    W = property(lambda self: self._W)
    b = property(lambda self: self._b)
    dW = property(lambda self: self._dW)  # noqa: N815 (the book's name)
    db = property(lambda self: self._db)
    col = property(lambda self: self.layer.book_col())
    col_W = property(lambda self: self.layer.kernel_matrix())  # noqa: N815

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return self.layer.forward(x)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return self.layer.backward(dout)


class Pooling:
    """Max pooling with the book's (N, C, H, W) layout, on the engine's MaxPooling2D.

    Forward:  out[n, c, i, j] = max of x_pad[n, c, i*stride : i*stride+pool_h,
              j*stride : j*stride+pool_w];  out_h = 1 + (H + 2*pad - pool_h) // stride.
    Backward: dout goes to the cell that won each window (the first one on ties, as the
              book's ``np.argmax``); overlapping windows add up.
    Attributes: ``x``, ``arg_max`` (the winner's index inside each window, flattened in
              the book's (n, out_h, out_w, c) order).

    Args: pool_h, pool_w; stride=2 (the repository's default since 2020); pad=0.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 2, pad: int = 0) -> None:
        self.pool_h = check_positive_int("pool_h", pool_h)
        self.pool_w = check_positive_int("pool_w", pool_w)
        self.stride = check_positive_int("stride", stride)
        self.pad = _check_pad(pad)
        layer = MaxPooling2D((self.pool_h, self.pool_w), strides=self.stride,
                             data_format="channels_first", name="Pooling")  # fmt: skip
        layer.build((1, self.pool_h, self.pool_w), dtype=np.float64)  # placeholder size
        layer._pads = ((self.pad, self.pad), (self.pad, self.pad))
        layer.pad_value = 0.0  # the book pads with zeros, which may win the max
        self.layer = layer
        self.x = None

    @property
    def arg_max(self) -> np.ndarray | None:
        if getattr(self.layer, "_y", None) is None:
            return None
        return self.layer.arg_max.transpose(0, 2, 3, 1).reshape(-1)  # the book's order

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return self.layer.forward(x, training=True)  # as the book: always keep the winners

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.layer.backward(dout)
