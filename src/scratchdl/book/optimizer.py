"""The book's optimizers (``common/optimizer.py``, docs/book.md) on the engine's rules.

    from scratchdl.book.optimizer import SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam
    optimizer = Adam()
    optimizer.update(network.params, grads)

``update(params, grads)`` does what the book's ``params[key] -= ...`` does to each entry:

* a float NumPy array changes **in place** (the same array object), so layers holding it
  (and the engine's flat store it is a view of) see the new values;
* a Python number or a NumPy scalar (``params["x"] = -7.0``, as in the book's
  ``optimizer_compare_naive.py``) cannot change in place, so the entry is **replaced**
  by the updated number (a Python float stays a Python float, a NumPy scalar keeps its
  type);
* anything else (a list, a string, an integer array that cannot hold the update) raises
  a TypeError naming the key: nothing is skipped silently.

State (``v``, ``h``, ``m``) is a dict keyed by the parameter names, created on the first
update, as in the book.  The formulas are the engine's (``scratchdl.optimizers.rules``)
with the book's defaults; eps is 1e-7 everywhere and is not a parameter, as in the book.

Convention (differences from ``scratchdl.optimizers``, the Keras face):
    Nesterov   the book's (JP, after fix 89eadd0) Bengio form using the OLD v;
               Keras's ``SGD(nesterov=True)`` uses the new v.
    AdaGrad    accumulator starts at 0 and eps is outside the sqrt; Keras: 0.1, inside.
    RMSprop    ``decay_rate`` (Keras: rho) = 0.99, eps outside the sqrt; Keras: inside.
    Adam       identical to Keras's Adam (bias correction folded into lr_t).
"""

import numbers as _numbers
from collections.abc import Mapping as _Mapping

import numpy as np

from scratchdl.optimizers import rules as _rules

EPS = 1e-7  # the book hard-codes 1e-7 in every optimizer


def _working_array(params, key):
    """The array to update for ``params[key]`` and whether the entry must be replaced after.

    A float ndarray is updated in place; a real number (Python or NumPy scalar) becomes a
    0-d float array whose value is written back with ``_write_back``.
    """
    value = params[key]
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            raise TypeError(
                f"params[{key!r}] is an array of dtype {value.dtype}, which cannot hold the "
                f"update in place; use a float array (e.g. {key!r}: np.array(..., dtype=float))"
            )
        return value, False
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (_numbers.Real, np.number)):
        raise TypeError(
            f"params[{key!r}] must be a float NumPy array or a real number, "
            f"received {type(value).__name__} {value!r}"
        )
    dtype = value.dtype if isinstance(value, np.floating) else np.float64
    return np.array(value, dtype=dtype), True


def _write_back(params, key, w) -> None:
    """Replace ``params[key]`` by the updated number, keeping its Python / NumPy type."""
    old = params[key]
    params[key] = w[()] if isinstance(old, np.generic) else float(w)


def _gradient(grads, key):
    try:
        return grads[key]
    except KeyError:
        raise KeyError(
            f"grads has no entry {key!r} for params[{key!r}]; grads keys: {list(grads)}"
        ) from None


class _BookOptimizer:
    """``update(params, grads)``: one ``_step(key, w, g)`` per entry of ``params``."""

    def update(self, params: _Mapping[str, np.ndarray], grads: _Mapping[str, np.ndarray]) -> None:
        self._begin()
        for key in params:
            w, replace = _working_array(params, key)
            self._step(key, w, _gradient(grads, key))
            if replace:
                _write_back(params, key, w)

    def _begin(self) -> None:
        """Hook run once per ``update`` before the entries (Adam counts its step here)."""

    def _state(self, name, key, w):
        """The state array ``self.<name>[key]`` (zeros like ``w`` on first use)."""
        table = getattr(self, name)
        if table is None:
            table = {}
            setattr(self, name, table)
        if key not in table:
            table[key] = np.zeros_like(w)
        return table[key]


class SGD(_BookOptimizer):
    """Stochastic gradient descent.  Update: ``params[key] -= lr*grads[key]``."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def _step(self, key, w, g) -> None:
        _rules.sgd_step(w, g, self.lr)


class Momentum(_BookOptimizer):
    """Momentum SGD.  Update: ``v = momentum*v - lr*g;  p += v`` (v starts at 0)."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def _step(self, key, w, g) -> None:
        _rules.momentum_step(w, g, self._state("v", key, w), self.lr, self.momentum)


class Nesterov(_BookOptimizer):
    """Nesterov's accelerated gradient in the book's fixed order (Bengio et al. form).

    Update (the parameter step uses the OLD v):
        p += momentum**2 * v
        p -= (1 + momentum) * lr * g
        v = momentum*v - lr*g

    Reference: arXiv:1212.0901.  The KR edition still has the pre-fix order.
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def _step(self, key, w, g) -> None:
        v = self._state("v", key, w)
        _rules.nesterov_bengio_step(w, g, v, self.lr, self.momentum)


class AdaGrad(_BookOptimizer):
    """AdaGrad.  Update: ``h += g*g;  p -= lr*g/(sqrt(h) + 1e-7)`` (h starts at 0)."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr
        self.h = None

    def _step(self, key, w, g) -> None:
        h = self._state("h", key, w)
        _rules.adagrad_step(w, g, h, self.lr, EPS, epsilon_inside=False)


class RMSprop(_BookOptimizer):
    """RMSprop.  Update: ``h = decay_rate*h + (1-decay_rate)*g*g;  p -= lr*g/(sqrt(h) + 1e-7)``."""

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def _step(self, key, w, g) -> None:
        h = self._state("h", key, w)
        _rules.rmsprop_step(w, g, h, self.lr, self.decay_rate, EPS, epsilon_inside=False)


class Adam(_BookOptimizer):
    """Adam with the bias correction folded into the step size (Kingma & Ba, Sec. 2).

    Update (iter counts the calls of ``update``, from 1):
        lr_t = lr*sqrt(1 - beta2**iter)/(1 - beta1**iter)
        m += (1 - beta1)*(g - m);  v += (1 - beta2)*(g**2 - v)
        p -= lr_t*m/(sqrt(v) + 1e-7)          (eps on sqrt of the UNcorrected v)

    Reference: arXiv:1412.6980.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def _begin(self) -> None:
        self.iter += 1
        self._lr_t = _rules.adam_alpha(self.lr, self.beta1, self.beta2, self.iter)

    def _step(self, key, w, g) -> None:
        m, v = self._state("m", key, w), self._state("v", key, w)
        _rules.adam_step(w, g, m, v, self._lr_t, self.beta1, self.beta2, EPS)
