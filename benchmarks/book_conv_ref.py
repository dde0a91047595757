"""W6's yardstick: the book's SimpleConvNet algorithm as its repository computes it.

Written here in our own words, step for step what ``common/util.py`` (im2col, col2im),
``common/layers.py`` (Convolution, Pooling, Relu, Affine, SoftmaxWithLoss),
``common/optimizer.py`` (Adam) and ``ch07/simple_convnet.py`` do (docs/convnets.md,
"The book's im2col"): float64 throughout, im2col through a (N, C, fh, fw, oh, ow)
buffer filled one kernel offset at a time and transposed, pooling by im2col + argmax,
col2im with ``+=`` for every layer including the first convolution's unused dx.
Only for benchmarks: it is the book's speed we measure, not a library API.
"""

from __future__ import annotations

import numpy as np


def im2col(x, fh, fw, stride=1, pad=0):
    N, C, H, W = x.shape
    out_h, out_w = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, fh, fw, out_h, out_w))
    for y in range(fh):
        y_max = y + stride * out_h
        for x_ in range(fw):
            x_max = x_ + stride * out_w
            col[:, :, y, x_, :, :] = img[:, :, y:y_max:stride, x_:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)


def col2im(col, shape, fh, fw, stride=1, pad=0):
    N, C, H, W = shape
    out_h, out_w = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    col = col.reshape(N, out_h, out_w, C, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(fh):
        y_max = y + stride * out_h
        for x_ in range(fw):
            x_max = x_ + stride * out_w
            img[:, :, y:y_max:stride, x_:x_max:stride] += col[:, :, y, x_, :, :]
    return img[:, :, pad : H + pad, pad : W + pad]


class BookSimpleConvNet:
    """conv(30, 5x5) - relu - pool(2, stride 2) - affine(100) - relu - affine(10) - softmax."""

    def __init__(self, rng, filters=30, size=5, hidden=100, out=10, std=0.01):
        self.p = {
            "W1": std * rng.standard_normal((filters, 1, size, size)),
            "b1": np.zeros(filters),
            "W2": std * rng.standard_normal((filters * 12 * 12, hidden)),
            "b2": np.zeros(hidden),
            "W3": std * rng.standard_normal((hidden, out)),
            "b3": np.zeros(out),
        }
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    def _conv_forward(self, x):
        W, b = self.p["W1"], self.p["b1"]
        FN, _, FH, FW = W.shape
        N, _, H, Wd = x.shape
        out_h, out_w = H - FH + 1, Wd - FW + 1
        self.x_shape, self.col = x.shape, im2col(x, FH, FW)
        self.col_W = W.reshape(FN, -1).T
        out = self.col @ self.col_W + b
        return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def _conv_backward(self, dout):
        FN, C, FH, FW = self.p["W1"].shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        g = {"b1": np.sum(dout, axis=0)}
        g["W1"] = (self.col.T @ dout).transpose(1, 0).reshape(FN, C, FH, FW)
        col2im(dout @ self.col_W.T, self.x_shape, FH, FW)  # the book computes dx too
        return g

    def _pool_forward(self, x):
        N, C, H, W = x.shape
        out_h, out_w = (H - 2) // 2 + 1, (W - 2) // 2 + 1
        col = im2col(x, 2, 2, 2).reshape(-1, 4)
        self.pool_x, self.arg_max = x, np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def _pool_backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, 4))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape + (4,)).reshape(
            dout.shape[0] * dout.shape[1] * dout.shape[2], -1
        )
        return col2im(dcol, self.pool_x.shape, 2, 2, 2)

    def gradient(self, x, t):
        p = self.p
        h1 = self._conv_forward(x)
        mask1 = h1 <= 0
        h1 = h1.copy()
        h1[mask1] = 0
        h2 = self._pool_forward(h1)
        a_in = h2.reshape(h2.shape[0], -1)
        h3 = a_in @ p["W2"] + p["b2"]
        mask2 = h3 <= 0
        h3[mask2] = 0
        y = h3 @ p["W3"] + p["b3"]
        y = np.exp(y - y.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        dy = y.copy()
        dy[np.arange(len(t)), t] -= 1
        dy /= len(t)
        g = {"W3": h3.T @ dy, "b3": dy.sum(axis=0)}
        d3 = dy @ p["W3"].T
        d3[mask2] = 0
        g["W2"], g["b2"] = a_in.T @ d3, d3.sum(axis=0)
        d2 = (d3 @ p["W2"].T).reshape(h2.shape)
        d1 = self._pool_backward(d2)
        d1[mask1] = 0
        g.update(self._conv_backward(d1))
        return g

    def adam_update(self, grads, lr=0.001, beta1=0.9, beta2=0.999):
        self.t += 1
        lr_t = lr * np.sqrt(1.0 - beta2**self.t) / (1.0 - beta1**self.t)
        for k in self.p:
            self.m[k] += (1 - beta1) * (grads[k] - self.m[k])
            self.v[k] += (1 - beta2) * (grads[k] ** 2 - self.v[k])
            self.p[k] -= lr_t * self.m[k] / (np.sqrt(self.v[k]) + 1e-7)

    def predict(self, x):
        p = self.p
        h = np.maximum(self._conv_forward(x), 0)
        h = self._pool_forward(h).reshape(len(x), -1)
        return np.maximum(h @ p["W2"] + p["b2"], 0) @ p["W3"] + p["b3"]
