"""The yardstick: a lean, hand-written float32 NumPy trainer (not part of the library).

Flat parameter buffer, fused softmax-cross-entropy, tanh-form sigmoid, every
matrix product in the layouts OpenBLAS runs fastest (``dz @ W.T`` through a
C-ordered copy of ``W.T``), row maxima by arg-max, bias gradients and row sums as
BLAS products, plain SGD folded into the backward seed (the softmax gradient is
scaled by ``lr / N``, so the update is one subtraction), Adam as a handful of
whole-buffer operations, each batch gathered on its own into one reused buffer.  It computes what
``fit`` computes per batch (forward, loss, accuracy, backward, update) with as few
NumPy calls as the authors could manage, so that scratchdl can be held to "within
10 % of it" -- and so that it shows what NumPy can do at all on a machine.
"""

from __future__ import annotations

import numpy as np


class LeanMLP:
    def __init__(self, sizes, activation, batchnorm, optimizer, lr, rng):
        self.sizes, self.act, self.bn = sizes, activation, batchnorm
        shapes = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            shapes += [(a, b), (b,)]
            if batchnorm and i < len(sizes) - 2:
                shapes += [(b,), (b,)]  # gamma, beta
        total = sum(int(np.prod(s)) for s in shapes)
        self.data = np.zeros(total, np.float32)
        self.grad = np.zeros(total, np.float32)
        self.p, self.g, off = [], [], 0
        for s in shapes:
            n = int(np.prod(s))
            self.p.append(self.data[off : off + n].reshape(s))
            self.g.append(self.grad[off : off + n].reshape(s))
            off += n
        self._init(rng)
        self.opt, self.lr, self.t = optimizer, np.float32(lr), 0
        self.wt = [None] * len(self.p)  # C-ordered copies of W.T for dx
        self._ones, self._rows, self._zeros = {}, {}, {}
        if optimizer == "adam":
            self.m = np.zeros_like(self.data)
            self.v = np.zeros_like(self.data)

    def _init(self, rng):
        i = 0
        for k, (a, b) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            lim = np.sqrt(6.0 / (a + b))
            self.p[i][...] = rng.uniform(-lim, lim, (a, b))
            i += 2
            if self.bn and k < len(self.sizes) - 2:
                self.p[i][...] = 1.0
                i += 2

    def _cached(self, cache, key, make):
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def _ones_of(self, n):
        return self._cached(self._ones, n, lambda: np.ones(n, np.float32))

    def _activate(self, z):
        if self.act == "relu":  # an all-zero array operand: 2x faster than the scalar 0
            np.maximum(z, self._cached(self._zeros, z.shape, lambda: np.zeros_like(z)), out=z)
        else:  # sigmoid(z) = 0.5 * tanh(0.5 z) + 0.5
            z *= 0.5
            np.tanh(z, out=z)
            z *= 0.5
            z += 0.5
        return z

    def step(self, x, y):
        """One training step; returns (sum of losses, number correct) before the update."""
        acts, bn_cache, i, h = [x], [], 0, x
        n_layers = len(self.sizes) - 1
        for k in range(n_layers):
            z = h @ self.p[i]
            z += self.p[i + 1]
            i += 2
            if k < n_layers - 1:
                if self.bn:
                    mu = z.mean(0)
                    z -= mu
                    inv = 1.0 / np.sqrt((z * z).mean(0) + 1e-3)
                    z *= inv
                    bn_cache.append((z.copy(), inv))
                    z *= self.p[i]
                    z += self.p[i + 1]
                    i += 2
                h = self._activate(z)
                acts.append(h)
            else:
                h = z
        return self._loss_backward(h, y, acts, bn_cache)

    def _loss_backward(self, z, y, acts, bn_cache):
        n = len(y)
        rows = self._cached(self._rows, n, lambda: np.arange(n))
        ones = self._ones_of(z.shape[1])
        pred = z.argmax(1)
        correct = int(np.count_nonzero(pred == y))
        z -= z[rows, pred][:, None]
        np.exp(z, out=z)
        z /= (z @ ones)[:, None]
        py = z[rows, y]
        loss = -np.log(np.maximum(py, 1e-7)).sum()
        z[rows, y] -= 1.0
        prescaled = self.opt == "sgd"  # dL/dz * lr: the SGD step is then w -= grad
        z *= np.float32(self.lr / n if prescaled else 1.0 / n)
        self._backward(z, acts, bn_cache)
        self._update()
        return loss, correct

    def _backward(self, d, acts, bn_cache):
        n_layers = len(self.sizes) - 1
        per = 4 if self.bn else 2
        for k in range(n_layers - 1, -1, -1):
            i = k * per
            np.matmul(acts[k].T, d, out=self.g[i])
            np.matmul(self._ones_of(len(d)), d, out=self.g[i + 1])  # column sums
            if k == 0:
                break
            w = self.p[i]
            if self.wt[i] is None:
                self.wt[i] = np.empty(w.shape[::-1], np.float32)
            np.copyto(self.wt[i], w.T)  # NN product on the copy beats dz @ W.T (NT)
            d = d @ self.wt[i]
            h = acts[k]
            if self.act == "relu":
                np.multiply(d, h > 0, out=d)
            else:
                d *= h * (1.0 - h)
            if self.bn:
                xh, inv = bn_cache[k - 1]
                j = (k - 1) * per + 2
                np.sum(d * xh, 0, out=self.g[j])
                d.sum(0, out=self.g[j + 1])
                d *= self.p[j]
                d = inv * (d - d.mean(0) - xh * (d * xh).mean(0))

    def _update(self):
        if self.opt == "sgd":  # the gradients already carry the factor lr
            np.subtract(self.data, self.grad, out=self.data)
            return
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-7
        alpha = self.lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        g = self.grad
        self.m += (g - self.m) * np.float32(1 - b1)
        self.v += (g * g - self.v) * np.float32(1 - b2)
        self.data -= np.float32(alpha) * self.m / (np.sqrt(self.v) + np.float32(eps))


def train_epoch(model, x, y, batch_size, rng):
    order = rng.permutation(len(x))
    buf = np.empty((min(batch_size, len(x)),) + x.shape[1:], x.dtype)
    loss_sum, correct = 0.0, 0
    for s in range(0, len(x), batch_size):
        idx = order[s : s + batch_size]  # per-batch gather: still in cache for the product
        xb = np.take(x, idx, axis=0, out=buf[: len(idx)], mode="clip")  # unchecked: no buffering
        loss, c = model.step(xb, y[idx])
        loss_sum += loss
        correct += c
    return loss_sum / len(x), correct / len(x)
