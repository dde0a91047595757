"""The book's ``common/layers.py`` (and ``ch05/layer_naive.py``) on the engine's layers.

    from scratchdl.book.layers import Affine, Relu, SoftmaxWithLoss
    affine = Affine(W, b); out = affine.forward(x); dx = affine.backward(dout); affine.dW

Every class keeps the book's interface (``forward(...)`` / ``backward(dout)``, gradients
as attributes ``dW``, ``db``, ``dgamma``, ``dbeta``; cached ``x``, ``out``, ``mask``) and
hands the math to the one engine (``scratchdl.layers`` / ``scratchdl.activations``):

    Relu, Sigmoid        engine activation objects (ReLU, Sigmoid)
    Affine               engine Dense (linear): out = x @ W + b
    Dropout              engine Dropout(rate, inverted=False): the book's non-inverted rule
    BatchNormalization   engine BatchNormalization(momentum, epsilon=1e-6,
                         moving_variance_initializer="zeros")

Conventions (docs/book.md a.4):
* ``Relu.backward`` returns a new array; the book zeroes ``dout`` in place.
* Parameters are held by reference: ``W -= lr * dW`` done in place by an optimizer is seen
  by the layer, exactly as the book relies on.  ``layer.W = W2`` (the book's ``load_params``)
  makes a stand-alone layer hold ``W2`` itself, as the book's attribute would; a layer of a
  ``scratchdl.book`` network copies ``W2`` into the network's store instead (its ``params``
  entries are views of that store, so both stay one array).  Either way the shape and the
  dtype are checked and a mismatch raises naming the attribute.
* ``Dropout`` and ``BatchNormalization`` take an optional ``rng`` (the book draws from the
  global ``np.random``; see ``scratchdl.book.util.get_rng``).
* ``BatchNormalization`` creates ``running_mean`` / ``running_var`` as zeros at construction
  (the book creates the same zeros lazily at the first forward).
"""

from typing import Any as _Any

import numpy as np
from numpy.typing import ArrayLike as _ArrayLike

from scratchdl import activations as _activations
from scratchdl.book.functions import cross_entropy_error as _cross_entropy_error
from scratchdl.book.functions import softmax as _softmax
from scratchdl.book.util import get_rng as _get_rng
from scratchdl.layers.dense import Dense as _Dense
from scratchdl.layers.dropout import Dropout as _EngineDropout
from scratchdl.layers.normalization import BatchNormalization as _EngineBatchNorm
from scratchdl.variables import assign_into as _assign_into

# No __all__: ``from ... import *`` gives every public name, as the book's module does.

BN_EPSILON = 1e-6  # the book writes 10e-7


def _hold(layer, key, array, what):
    """Make the engine layer's weight ``key`` hold the caller's ``array`` itself.

    The book's layers keep references to the arrays they are given; the Variable keeps
    its gradient buffer and now reads and writes ``array``.
    """
    var = layer._variables[key]
    if not isinstance(array, np.ndarray) or array.shape != var.shape or array.dtype.kind != "f":
        shape = getattr(array, "shape", None)
        dtype = getattr(array, "dtype", type(array).__name__)
        raise ValueError(
            f"cannot set {what}: expected a float NumPy array of shape {var.shape}, "
            f"received shape {shape}, dtype {dtype}"
        )
    var._rebind(array, var.grad, None)
    layer.params._put(key, array)


def _set_weight(layer, key, value, what):
    """``layer.W = value``: hold ``value`` (stand-alone layer) or copy it into the store."""
    if layer._variables[key]._store is None:
        _hold(layer, key, value, what)
    else:
        _assign_into(layer.params[key], value, what)


def _weight_attribute(key, book_name):
    """The book's attribute ``book_name`` (``W``, ``gamma`` ...) for engine weight ``key``."""

    def get(self):
        return self.layer.params[key]

    def set_(self, value):
        _set_weight(self.layer, key, value, f"{type(self).__name__}.{book_name}")

    return property(get, set_, doc=f"The layer's {book_name} (settable, see the module doc).")


def _state_attribute(key, book_name):
    """The book's ``running_mean`` / ``running_var``: setting copies into the layer's state."""

    def get(self):
        return self.layer.state[key]

    def set_(self, value):
        _assign_into(self.layer.state[key], value, f"{type(self).__name__}.{book_name}")

    return property(get, set_, doc=f"The layer's {book_name} (setting copies into it).")


class _ActivationLayer:
    """Forward ``out = f(x)``, backward ``dx = f'(x) * dout`` by an engine activation object."""

    fn: _activations.ActivationFunction

    def __init__(self) -> None:
        self.x = None
        self.out = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        self.out = self.fn.forward(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.fn.backward(dout, self.x, self.out)


class Relu(_ActivationLayer):
    """Forward: out = max(x, 0).  Backward: dx = dout where x > 0, else 0 (``mask = x <= 0``)."""

    def __init__(self) -> None:
        super().__init__()
        self.fn = _activations.ReLU()

    @property
    def mask(self) -> np.ndarray | None:
        """The book's ``mask``: True where x <= 0 (where the gradient is blocked)."""
        return None if self.x is None else self.x <= 0


class Sigmoid(_ActivationLayer):
    """Forward: out = 1 / (1 + exp(-x)) (stable).  Backward: dx = dout * (1 - out) * out."""

    def __init__(self) -> None:
        super().__init__()
        self.fn = _activations.Sigmoid()


class Affine:
    """Fully connected layer without activation, on the engine's Dense.

    Forward:  x2 = x.reshape(N, -1);  out = x2 @ W + b
    Backward: dW = x2.T @ dout;  db = sum(dout, axis=0);  dx = (dout @ W.T).reshape(x.shape)
    Shapes:   x (N, d_in) or (N, C, H, W) with C*H*W = d_in; W (d_in, d_out); b (d_out,).

    Args:
        W, b: the parameter arrays, held by reference (not copied).
    """

    def __init__(self, W: _ArrayLike, b: _ArrayLike) -> None:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or b.shape != (W.shape[1],) or W.dtype.kind != "f":
            raise ValueError(
                f"Affine expects float arrays W of shape (d_in, d_out) and b of shape "
                f"(d_out,), received W.shape={W.shape} ({W.dtype}), b.shape={b.shape}"
            )
        layer = _Dense(W.shape[1], name="affine")
        layer.build((W.shape[0],), dtype=W.dtype)
        _hold(layer, "kernel", W, "Affine.W")
        _hold(layer, "bias", b, "Affine.b")
        self._wrap(layer)

    @classmethod
    def from_engine(cls, layer: _Dense) -> "Affine":
        """Wrap an already built (and possibly store-bound) linear engine Dense layer."""
        self = cls.__new__(cls)
        self._wrap(layer)
        return self

    def _wrap(self, layer):
        self.layer = layer
        self.original_x_shape = None

    W = _weight_attribute("kernel", "W")
    b = _weight_attribute("bias", "b")
    dW = property(lambda self: self.layer.grads["kernel"])  # noqa: N815 (the book's name)
    db = property(lambda self: self.layer.grads["bias"])
    x = property(lambda self: getattr(self.layer, "_x", None))

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.original_x_shape = x.shape
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        return self.layer.forward(x)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx = self.layer.backward_linear(dout)
        return None if dx is None else dx.reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy loss.

    Forward:  y = softmax(x);  loss = -sum(log(y[n, t_n] + 1e-7)) / B
    Backward: dx = (y - t) / B for one-hot t; for labels, y with 1 subtracted at [n, t_n], / B.
    Convention: ``backward(dout=1)`` ignores ``dout`` (the loss is the last node), as the book.
    """

    def __init__(self) -> None:
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        self.t = t
        self.y = _softmax(x)
        self.loss = _cross_entropy_error(self.y, t)
        return self.loss

    def backward(self, dout: _Any = 1) -> np.ndarray:
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            dx = self.y - self.t
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
        dx /= batch_size
        return dx


class Dropout:
    """Non-inverted dropout (the book's), on the engine's Dropout(inverted=False).

    Forward, training: mask = u > dropout_ratio (u ~ U[0,1), fresh each call); out = x * mask.
    Forward, test:     out = x * (1 - dropout_ratio).
    Backward:          dx = dout * mask (training), dout * (1 - dropout_ratio) (test).
    Convention: Keras/PyTorch scale by 1/(1-ratio) while training instead (inverted).

    Args:
        dropout_ratio: fraction of units dropped, in [0, 1].
        rng: Generator or int seed for the masks (default: seeded from np.random's global
            state; the book calls ``np.random.rand`` at every forward).
    """

    def __init__(
        self, dropout_ratio: float = 0.5, rng: np.random.Generator | int | None = None
    ) -> None:
        self.dropout_ratio = dropout_ratio
        layer = _EngineDropout(dropout_ratio, inverted=False, name="dropout")  # validates
        layer.build((1,), rng=_get_rng(rng))
        self.layer = layer

    @property
    def mask(self) -> np.ndarray | None:
        """The book's ``mask``: True where a unit was kept in the last training forward."""
        m = getattr(self.layer, "_mask", None)
        return None if m is None else m != 0

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        return self.layer.forward(x, training=train_flg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.layer.backward(dout)


class BatchNormalization:
    """The book's batch normalization: engine BN with momentum 0.9, eps 1e-6, variance from 0.

    Forward, training:  mu = mean(x, 0);  var = mean((x - mu)**2, 0) (biased)
                        xn = (x - mu) / sqrt(var + 1e-6);  out = gamma * xn + beta
                        running_mean = momentum * running_mean + (1 - momentum) * mu
                        running_var  = momentum * running_var  + (1 - momentum) * var
    Forward, test:      xn = (x - running_mean) / sqrt(running_var + 1e-6)
    Backward (training, dxn = dout * gamma, sums over the batch, N rows):
                        dgamma = sum(dout * xn);  dbeta = sum(dout)
                        dx = (N * dxn - sum(dxn) - xn * sum(dxn * xn)) / (N * sqrt(var + 1e-6))
    Shapes: x (N, D) or (N, C, H, W) reshaped to (N, C*H*W): statistics per activation.

    Args:
        gamma, beta: (D,) arrays, held by reference.
        momentum: 0.9.  running_mean, running_var: initial statistics (default zeros).
    """

    def __init__(
        self,
        gamma: _ArrayLike,
        beta: _ArrayLike,
        momentum: float = 0.9,
        running_mean: _ArrayLike | None = None,
        running_var: _ArrayLike | None = None,
    ) -> None:
        gamma, beta = np.asarray(gamma), np.asarray(beta)
        if gamma.ndim != 1 or beta.shape != gamma.shape or gamma.dtype.kind != "f":
            raise ValueError(
                f"BatchNormalization expects gamma and beta of the same shape (D,), "
                f"received gamma.shape={gamma.shape}, beta.shape={beta.shape}"
            )
        layer = _EngineBatchNorm(
            momentum=momentum,
            epsilon=BN_EPSILON,
            moving_variance_initializer="zeros",
            name="batch_norm",
        )
        layer.build(gamma.shape, dtype=gamma.dtype)
        _hold(layer, "gamma", gamma, "BatchNormalization.gamma")
        _hold(layer, "beta", beta, "BatchNormalization.beta")
        for key, value in (("moving_mean", running_mean), ("moving_variance", running_var)):
            if value is not None:
                layer.state[key][...] = value
        self.layer = layer
        self.input_shape = None

    @classmethod
    def from_engine(cls, layer: _EngineBatchNorm) -> "BatchNormalization":
        """Wrap a built engine BatchNormalization layer (axis -1 on (N, D) input)."""
        self = cls.__new__(cls)
        self.layer, self.input_shape = layer, None
        return self

    momentum = property(lambda self: self.layer.momentum)
    gamma = _weight_attribute("gamma", "gamma")
    beta = _weight_attribute("beta", "beta")
    dgamma = property(lambda self: self.layer.grads["gamma"])
    dbeta = property(lambda self: self.layer.grads["beta"])
    running_mean = _state_attribute("moving_mean", "running_mean")
    running_var = _state_attribute("moving_variance", "running_var")

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.input_shape = x.shape
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        return self.layer.forward(x, training=train_flg).reshape(self.input_shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if dout.ndim != 2:
            dout = dout.reshape(dout.shape[0], -1)
        return self.layer.backward(dout).reshape(self.input_shape)


class MulLayer:
    """Forward: out = x * y.  Backward: (dx, dy) = (dout * y, dout * x)."""

    def __init__(self) -> None:
        self.x = None
        self.y = None

    def forward(self, x: _Any, y: _Any) -> _Any:
        self.x, self.y = x, y
        return x * y

    def backward(self, dout: _Any) -> tuple[_Any, _Any]:
        return dout * self.y, dout * self.x


class AddLayer:
    """Forward: out = x + y.  Backward: (dx, dy) = (dout, dout)."""

    def forward(self, x: _Any, y: _Any) -> _Any:
        return x + y

    def backward(self, dout: _Any) -> tuple[_Any, _Any]:
        return dout * 1, dout * 1


# chapter 7 (issue 17): the convolution layers live in their own module
from scratchdl.book.conv_layers import Convolution, Pooling  # noqa: E402, F401 (star-imported)
