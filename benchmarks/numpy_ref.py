"""The yardstick: a lean, hand-written float32 NumPy trainer (not part of the library).

Flat parameter buffer, preallocated activations, fused softmax-cross-entropy,
tanh-form sigmoid, SGD as one whole-buffer operation, Adam as a handful of
whole-buffer operations.  It computes what ``fit`` computes per batch (forward,
loss, accuracy, backward, update) with as few NumPy calls as the author could
manage, so that scratchdl can be held to "within 10 % of it".
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

    def _activate(self, z):
        if self.act == "relu":
            np.maximum(z, 0, out=z)
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
        z -= z.max(1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(1, keepdims=True)
        rows = np.arange(n)
        py = z[rows, y]
        loss = -np.log(np.maximum(py, 1e-7)).sum()
        correct = int((z.argmax(1) == y).sum())
        z[rows, y] -= 1.0
        z *= np.float32(1.0 / n)
        self._backward(z, acts, bn_cache)
        self._update()
        return loss, correct

    def _backward(self, d, acts, bn_cache):
        n_layers = len(self.sizes) - 1
        per = 4 if self.bn else 2
        for k in range(n_layers - 1, -1, -1):
            i = k * per
            np.matmul(acts[k].T, d, out=self.g[i])
            d.sum(0, out=self.g[i + 1])
            if k == 0:
                break
            d = d @ self.p[i].T
            h = acts[k]
            if self.act == "relu":
                d *= h > 0
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
        if self.opt == "sgd":
            self.data -= self.lr * self.grad
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
    xs, ys = x[order], y[order]
    loss_sum, correct = 0.0, 0
    for s in range(0, len(xs), batch_size):
        loss, c = model.step(xs[s : s + batch_size], ys[s : s + batch_size])
        loss_sum += loss
        correct += c
    return loss_sum / len(x), correct / len(x)
