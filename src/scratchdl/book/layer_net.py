"""What the book's networks share: size checks, engine layers, accuracy, the layer-net base.

``_LayerNet`` is the machinery of the layer-based networks (MultiLayerNet,
MultiLayerNetExtend, the ch05 TwoLayerNet): it builds the book's ``layers`` OrderedDict on
engine ``Dense`` (and ``BatchNormalization``) layers whose parameters live in one float64
``ParamStore``, so ``params["W1"]`` is a view the ``Affine1`` layer reads and an in-place
optimizer update changes the network.  Subclasses give ``__init__`` and the book's method
signatures; the math lives here once:

    forward:  the layers in order (``train_flg`` goes to Dropout and BatchNorm only)
    loss:     last_layer(y, t) + 0.5 * lambda * sum_i sum(W_i**2)  (skipped when lambda == 0)
    gradient: forward with train_flg=True, backward through the layers in reverse,
              then grads["W_i"] += lambda * W_i

Not public: users import the networks from their book modules.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping

import numpy as np

from scratchdl.book.gradient import numerical_gradient
from scratchdl.book.layers import (
    BN_EPSILON,
    Affine,
    BatchNormalization,
    Dropout,
    Relu,
    Sigmoid,
)
from scratchdl.book.network_params import NetworkParams, params_property
from scratchdl.book.util import get_rng
from scratchdl.initializers import BookNormal, book_scale
from scratchdl.layers.dense import Dense
from scratchdl.layers.normalization import BatchNormalization as EngineBatchNorm
from scratchdl.variables import ParamStore

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


def accuracy_of(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    t: np.ndarray,
    chunk: int = ACCURACY_CHUNK,
) -> float:
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


def numerical_gradients(
    params: Mapping[str, np.ndarray], loss: Callable[[], float | np.floating]
) -> dict[str, np.ndarray]:
    """Central differences of ``loss()`` (no arguments) for every array in ``params``.

    dL/dp[i] ~ (loss(p[i] + h) - loss(p[i] - h)) / (2h), h = 1e-4, each entry of each
    parameter in turn (book.md a.3); slow, for checking ``gradient()``.
    """
    return {key: numerical_gradient(lambda W: loss(), p) for key, p in params.items()}


def fresh_copies(grads: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A new dict of new arrays: ``{key: g.copy()}``."""
    return {key: g.copy() for key, g in grads.items()}


class _LayerNet:
    """Shared machinery of the layer-based book networks (not public).

    Subclasses call ``_build`` (after ``_set_sizes`` for the deep nets) and set the loss
    layer; predict / loss / numerical_gradient here are the test-mode (train_flg=False)
    versions, which MultiLayerNetExtend overrides to take ``train_flg``.
    """

    weight_decay_lambda = 0.0
    _activation_key = "Activation_function{}"
    params = params_property()

    def _set_sizes(self, input_size, hidden_size_list, output_size, weight_decay_lambda):
        """Check the widths; set input_size, output_size, hidden_size_list, hidden_layer_num
        and weight_decay_lambda as the book's attributes; return all widths in order."""
        sizes = _check_sizes(input_size, hidden_size_list, output_size)
        self.input_size, self.output_size = sizes[0], sizes[-1]
        self.hidden_size_list = sizes[1:-1]
        self.hidden_layer_num = len(self.hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        return sizes

    def _build(
        self, sizes, activation, weight_init_std, rng, use_batchnorm: bool = False, dropout=None
    ) -> None:
        rng = get_rng(rng)
        act_cls = _check_activation(activation)
        affines = _engine_affines(sizes, weight_init_std, rng)
        bns = _engine_batchnorms(sizes[1:-1], rng) if use_batchnorm else []
        self._store = ParamStore(np.float64).bind(affines + bns)
        params, self._grads = {}, {}
        for info in self._store.tensors:
            key = _BOOK_KEYS[info.key] + re.search(r"\d+$", info.layer.name).group()
            params[key] = info.layer.params[info.key]
            self._grads[key] = info.layer.grads[info.key]
        self._params = NetworkParams(type(self).__name__, params)
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

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The scores y (before softmax), shape (N, output_size)."""
        return self._forward(x, False)

    def loss(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """Softmax cross-entropy of predict(x) and t, plus the weight-decay term."""
        return self._loss(x, t, False)

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Central-difference gradients of ``loss(x, t)`` for every parameter (slow)."""
        return numerical_gradients(self.params, lambda: self.loss(x, t))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Backprop gradients for every parameter, as fresh arrays (the book's).

        One forward pass in training mode (train_flg=True), backward through the layers
        in reverse, then grads["W_i"] += lambda * W_i.  Each call returns new arrays, so
        two results kept side by side stay different.
        """
        return fresh_copies(self.gradient_views(x, t))

    def gradient_views(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """``gradient(x, t)`` without the copy: views of the network's gradient buffer.

        Opt-in reuse for tight loops (the Trainer uses it): the next call overwrites them.
        """
        self._loss_layer().forward(self._forward(x, True), t)
        dout = self._loss_layer().backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        lam = self.weight_decay_lambda
        if lam != 0:
            for key in self._weight_keys:
                self._grads[key] += lam * self.params[key]
        return dict(self._grads)

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """Fraction of rows where argmax(predict(x)) equals t (labels or one-hot rows)."""
        return accuracy_of(self.predict, x, t)
