"""The book's ``common/multi_layer_net.py``: a fully connected net of any depth.

    from scratchdl.book.multi_layer_net import MultiLayerNet
    network = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=0.1)
    grads = network.gradient(x_batch, t_batch)
    optimizer.update(network.params, grads)

One engine, one buffer: the Affine layers are engine ``Dense`` layers whose weights live
in one float64 ``ParamStore``.  ``network.params["W1"]`` is a *view* of that buffer and
the ``Affine1`` layer reads the same memory, so an in-place optimizer update
(``params[key] -= ...``) changes the network, exactly as the book relies on.

Convention (differences from the book's code, reference/book.md a.6):
* ``gradient()`` returns views of the gradient buffer: the next ``gradient()`` call
  overwrites them (copy them, ``{k: g.copy() ...}``, to keep two results).
* ``rng`` (Generator or int seed) draws the weights; default: a Generator seeded from
  NumPy's global state, so ``np.random.seed(...)`` makes a script repeatable.
* The weight-decay term is skipped when ``weight_decay_lambda == 0`` (the book computes
  ``0.5 * 0 * sum(W**2)``, which turns the loss into NaN once weights overflow).
* The first Affine layer skips its ``dx`` product (nobody uses it).
"""

from __future__ import annotations

import re
from collections import OrderedDict

import numpy as np

from scratchdl.book.gradient import numerical_gradient
from scratchdl.book.layers import (
    BN_EPSILON,
    Affine,
    BatchNormalization,
    Dropout,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)
from scratchdl.book.util import get_rng
from scratchdl.initializers import BookNormal, book_scale
from scratchdl.layers.dense import Dense
from scratchdl.layers.normalization import BatchNormalization as EngineBatchNorm
from scratchdl.params import ParamStore

__all__ = ["MultiLayerNet"]

ACTIVATIONS = {"sigmoid": Sigmoid, "relu": Relu}
ACCURACY_CHUNK = 2000
_BOOK_KEYS = {"kernel": "W", "bias": "b", "gamma": "gamma", "beta": "beta"}


def _check_sizes(input_size, hidden_size_list, output_size):
    sizes = [input_size, *list(hidden_size_list), output_size]
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0:
            raise ValueError(
                f"layer sizes must be positive integers, received input_size={input_size!r}, "
                f"hidden_size_list={hidden_size_list!r}, output_size={output_size!r}"
            )
    return [int(s) for s in sizes]


def _check_activation(activation):
    key = str(activation).lower()
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)}"
        )
    return ACTIVATIONS[key]


def _engine_affines(sizes, weight_init_std, rng, hidden_activation=None):
    """Dense layers Affine1..Affine{L+1}; W = book_scale * randn(n_in, n_out), b = 0.

    ``hidden_activation`` (an engine activation name) is fused into all but the last layer.
    """
    book_scale(weight_init_std, 1)  # a clear ValueError for a bad weight_init_std
    init = BookNormal(weight_init_std)
    affines = []
    for i in range(1, len(sizes)):
        act = hidden_activation if i < len(sizes) - 1 else None
        dense = Dense(sizes[i], act, kernel_initializer=init, name=f"Affine{i}")
        dense.build((sizes[i - 1],), rng=rng, dtype=np.float64)
        affines.append(dense)
    affines[0].need_input_grad = False
    return affines


def _engine_batchnorms(hidden_sizes, rng):
    """The book's BN (momentum 0.9, eps 1e-6, running variance from 0): BatchNorm1..L."""
    bns = []
    for i, size in enumerate(hidden_sizes, start=1):
        bn = EngineBatchNorm(
            momentum=0.9,
            epsilon=BN_EPSILON,
            moving_variance_initializer="zeros",
            name=f"BatchNorm{i}",
        )
        bn.build((size,), rng=rng, dtype=np.float64)
        bns.append(bn)
    return bns


def accuracy_of(predict, x, t, chunk=ACCURACY_CHUNK):
    """mean(argmax(predict(x), 1) == t), t labels or one-hot; predicts ``chunk`` rows at a time.

    Chunks give the same result (test-mode layers act row by row) without allocating the
    scores of 60 000 rows at once (float32 x @ float64 W also makes a float64 copy of x).
    """
    t = np.asarray(t)
    if t.ndim != 1:
        t = np.argmax(t, axis=1)
    correct = 0
    for start in range(0, x.shape[0], chunk):
        y = np.argmax(predict(x[start : start + chunk]), axis=1)
        correct += int(np.count_nonzero(y == t[start : start + chunk]))
    return correct / float(x.shape[0])


class _LayerNet:
    """Shared machinery of the layer-based book networks (not public)."""

    weight_decay_lambda = 0.0
    _activation_key = "Activation_function{}"

    def _build(self, sizes, activation, weight_init_std, rng, use_batchnorm=False, dropout=None):
        rng = get_rng(rng)
        act_cls = _check_activation(activation)
        affines = _engine_affines(sizes, weight_init_std, rng)
        bns = _engine_batchnorms(sizes[1:-1], rng) if use_batchnorm else []
        self._store = ParamStore(np.float64).bind(affines + bns)
        self.params, self._grads = {}, {}
        for info in self._store.tensors:
            key = _BOOK_KEYS[info.key] + re.search(r"\d+$", info.layer.name).group()
            self.params[key] = info.layer.params[info.key]
            self._grads[key] = info.layer.grads[info.key]
        self.layers = OrderedDict()
        for i in range(1, len(sizes) - 1):
            self.layers[f"Affine{i}"] = Affine.from_engine(affines[i - 1])
            if use_batchnorm:
                self.layers[f"BatchNorm{i}"] = BatchNormalization.from_engine(bns[i - 1])
            self.layers[self._activation_key.format(i)] = act_cls()
            if dropout is not None:
                self.layers[f"Dropout{i}"] = Dropout(dropout, rng=rng)
        self.layers[f"Affine{len(sizes) - 1}"] = Affine.from_engine(affines[-1])
        self._weight_keys = [f"W{i}" for i in range(1, len(sizes))]

    def _forward(self, x, train_flg):
        for key, layer in self.layers.items():
            if "Dropout" in key or "BatchNorm" in key:
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def _decay_penalty(self):
        lam = self.weight_decay_lambda
        if lam == 0:
            return 0.0
        squares = [float(np.vdot(self.params[k], self.params[k])) for k in self._weight_keys]
        return 0.5 * lam * sum(squares)

    def _loss(self, x, t, train_flg):
        y = self._forward(x, train_flg)
        return self._loss_layer().forward(y, t) + self._decay_penalty()

    def _loss_layer(self):
        return self.last_layer

    def _backprop(self, x, t):
        """One forward (training mode) and backward; returns the grads dict of buffer views."""
        self._loss_layer().forward(self._forward(x, True), t)
        dout = self._loss_layer().backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        lam = self.weight_decay_lambda
        if lam != 0:
            for key in self._weight_keys:
                self._grads[key] += lam * self.params[key]
        return dict(self._grads)

    def accuracy(self, x, t):
        """Fraction of rows where argmax(predict(x)) equals t (labels or one-hot rows)."""
        return accuracy_of(self.predict, x, t)

    def _numerical(self, loss_fn):
        return {key: numerical_gradient(lambda W: loss_fn(), p) for key, p in self.params.items()}


class MultiLayerNet(_LayerNet):
    """Fully connected network: (Affine -> activation) * L -> Affine -> SoftmaxWithLoss.

    Forward: h_0 = x;  h_i = act(h_{i-1} @ W_i + b_i);  y = h_L @ W_{L+1} + b_{L+1}
    Loss:    cross_entropy(softmax(y), t) + 0.5 * lambda * sum_i sum(W_i**2)  (all W, no b)
    Grads:   backprop through the layers;  grads["W_i"] = dW_i + lambda * W_i
    Shapes:  x (N, input_size); t (N,) labels or (N, output_size) one-hot.

    Args:
        input_size, hidden_size_list, output_size: layer widths (``hidden_size_list`` a list).
        activation: "relu" or "sigmoid".
        weight_init_std: "relu"/"he" (sqrt(2/n_in)), "sigmoid"/"xavier" (sqrt(1/n_in)), or
            a number used as the standard deviation (e.g. 0.01).
        weight_decay_lambda: lambda of the L2 penalty above.
        rng: np.random.Generator or int seed for the weights (default: see module doc).

    Attributes: ``params`` (W1, b1, ... views of one float64 buffer), ``layers`` (an
    OrderedDict ``Affine1``, ``Activation_function1``, ..., ``Affine{L+1}``), ``last_layer``.
    Reference: reference/book.md a.6.
    """

    def __init__(
        self,
        input_size,
        hidden_size_list,
        output_size,
        activation="relu",
        weight_init_std="relu",
        weight_decay_lambda=0,
        rng=None,
    ):
        sizes = _check_sizes(input_size, hidden_size_list, output_size)
        self.input_size, self.output_size = sizes[0], sizes[-1]
        self.hidden_size_list = sizes[1:-1]
        self.hidden_layer_num = len(self.hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        self._build(sizes, activation, weight_init_std, rng)
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        """The scores y (before softmax), shape (N, output_size)."""
        return self._forward(x, False)

    def loss(self, x, t):
        """Softmax cross-entropy plus the weight-decay term."""
        return self._loss(x, t, False)

    def numerical_gradient(self, x, t):
        """Central-difference gradients of ``loss(x, t)`` for every parameter (slow)."""
        return self._numerical(lambda: self.loss(x, t))

    def gradient(self, x, t):
        """Backprop gradients for every parameter (views of the gradient buffer)."""
        return self._backprop(x, t)
