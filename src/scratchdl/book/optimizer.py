"""The book's optimizers (``common/optimizer.py``, reference/book.md a.5) on the engine's rules.

    from scratchdl.book.optimizer import SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam
    optimizer = Adam()
    optimizer.update(network.params, grads)

``update(params, grads)`` changes every ``params[key]`` array **in place**
(``params[key] -= ...`` semantics): the same array objects change, so layers that
hold them (and the engine's flat store they are views of) see the new values.
State (``v``, ``h``, ``m``) is created lazily on the first update, as a dict keyed
by the parameter names, exactly as in the book.

The formulas are the engine's (``scratchdl.optimizers.rules``) with the book's
defaults; eps is 1e-7 everywhere and is not a parameter, as in the book.

Convention (differences from ``scratchdl.optimizers``, the Keras face):
    Nesterov   the book's (JP, after fix 89eadd0) Bengio form using the OLD v;
               Keras's ``SGD(nesterov=True)`` uses the new v.
    AdaGrad    accumulator starts at 0 and eps is outside the sqrt; Keras: 0.1, inside.
    RMSprop    ``decay_rate`` (Keras: rho) = 0.99, eps outside the sqrt; Keras: inside.
    Adam       identical to Keras's Adam (bias correction folded into lr_t).
"""

from __future__ import annotations

import numpy as np

from scratchdl.optimizers import rules

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]

EPS = 1e-7  # the book hard-codes 1e-7 in every optimizer


def _zeros_like_all(params):
    return {key: np.zeros_like(val) for key, val in params.items()}


class SGD:
    """Stochastic gradient descent.  Update: ``params[key] -= lr*grads[key]``."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params:
            rules.sgd_step(params[key], grads[key], self.lr)


class Momentum:
    """Momentum SGD.  Update: ``v = momentum*v - lr*g;  p += v`` (v starts at 0)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = _zeros_like_all(params)
        for key in params:
            rules.momentum_step(params[key], grads[key], self.v[key], self.lr, self.momentum)


class Nesterov:
    """Nesterov's accelerated gradient in the book's fixed order (Bengio et al. form).

    Update (the parameter step uses the OLD v):
        p += momentum**2 * v
        p -= (1 + momentum) * lr * g
        v = momentum*v - lr*g

    Reference: arXiv:1212.0901.  The KR edition still has the pre-fix order.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = _zeros_like_all(params)
        for key in params:
            rules.nesterov_bengio_step(params[key], grads[key], self.v[key], self.lr, self.momentum)


class AdaGrad:
    """AdaGrad.  Update: ``h += g*g;  p -= lr*g/(sqrt(h) + 1e-7)`` (h starts at 0)."""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = _zeros_like_all(params)
        for key in params:
            rules.adagrad_step(
                params[key], grads[key], self.h[key], self.lr, EPS, epsilon_inside=False
            )


class RMSprop:
    """RMSprop.  Update: ``h = decay_rate*h + (1-decay_rate)*g*g;  p -= lr*g/(sqrt(h) + 1e-7)``."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = _zeros_like_all(params)
        for key in params:
            rules.rmsprop_step(
                params[key],
                grads[key],
                self.h[key],
                self.lr,
                self.decay_rate,
                EPS,
                epsilon_inside=False,
            )


class Adam:
    """Adam with the bias correction folded into the step size (Kingma & Ba, Sec. 2).

    Update (iter counts the calls of ``update``, from 1):
        lr_t = lr*sqrt(1 - beta2**iter)/(1 - beta1**iter)
        m += (1 - beta1)*(g - m);  v += (1 - beta2)*(g**2 - v)
        p -= lr_t*m/(sqrt(v) + 1e-7)          (eps on sqrt of the UNcorrected v)

    Reference: arXiv:1412.6980.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = _zeros_like_all(params), _zeros_like_all(params)
        self.iter += 1
        lr_t = rules.adam_alpha(self.lr, self.beta1, self.beta2, self.iter)
        for key in params:
            rules.adam_step(
                params[key],
                grads[key],
                self.m[key],
                self.v[key],
                lr_t,
                self.beta1,
                self.beta2,
                EPS,
            )
