"""The plain math of every optimizer rule: read this before ``rules.py``.

Each rule is a pure function ``new_w, new_state = rule(w, g, state, lr, ...)``:

    w       the parameters (any shape; left unchanged)
    g       the gradient dL/dw
    state   a dict of the rule's running quantities; pass ``{}`` on the first step
            and the returned dict on every later one
    lr      the learning rate of this step

It returns new arrays and a new dict; nothing it is given is modified.  ``t`` in
a state is the 1-based number of the step being taken.  ``rules.py`` performs the
same updates in place on the engine's one flat buffer (fewer NumPy calls, no
temporaries); ``tests/test_plain_twins_*.py`` pins each pair together at float64.

The engine's optimizers wrap each rule in Keras's fixed order: clip the gradient,
decoupled weight decay, the rule, constraints.  ``adamw`` below shows the decay.

Written for reading and for the float64 tests: they make no effort to keep float32
(some return float64 for float32 input); train with the engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "sgd",
    "momentum",
    "nesterov",
    "nesterov_bengio",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamax",
    "nadam",
    "adamw",
    "decoupled_weight_decay",
]


def _zeros(state, key, w, initial: float = 0.0):
    return state[key] if key in state else np.full_like(w, initial)


def sgd(
    w: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float
) -> tuple[np.ndarray, dict[str, Any]]:
    """Gradient descent: ``w = w - lr*g``.  No state."""
    return w - lr * g, {}


def momentum(
    w: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float, momentum: float = 0.9
) -> tuple[np.ndarray, dict[str, Any]]:
    """Momentum (Keras's form, also the book's ``Momentum``).

    Update::

        v = momentum*v - lr*g          (v starts at 0)
        w = w + v
    """
    v = momentum * _zeros(state, "v", w) - lr * g
    return w + v, {"v": v}


def nesterov(
    w: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float, momentum: float = 0.9
) -> tuple[np.ndarray, dict[str, Any]]:
    """Nesterov momentum, Keras's form (``SGD(nesterov=True)``).

    Update (the step looks ahead with the NEW v)::

        v = momentum*v - lr*g
        w = w + momentum*v - lr*g
    """
    v = momentum * _zeros(state, "v", w) - lr * g
    return w + momentum * v - lr * g, {"v": v}


def nesterov_bengio(
    w: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float, momentum: float = 0.9
) -> tuple[np.ndarray, dict[str, Any]]:
    """Nesterov momentum in Bengio et al.'s form: the book's ``Nesterov``.

    Update (the step uses the OLD v)::

        w = w + momentum**2 * v - (1 + momentum)*lr*g
        v = momentum*v - lr*g

    Expanding ``nesterov``'s ``w + momentum*v_new - lr*g`` with v_new = momentum*v - lr*g
    gives exactly this step: the two forms produce the same w and v (up to rounding);
    only the order of the two assignments differs.
    Reference: Bengio, Boulanger-Lewandowski, Pascanu, arXiv:1212.0901.
    """
    v = _zeros(state, "v", w)
    w = w + momentum**2 * v - (1 + momentum) * lr * g
    return w, {"v": momentum * v - lr * g}


def adagrad(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    epsilon: float = 1e-7,
    initial_accumulator_value: float = 0.1,
    epsilon_inside: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """AdaGrad: each coordinate's step shrinks with its sum of squared gradients.

    Update::

        h = h + g**2                            (h starts at initial_accumulator_value)
        w = w - lr*g / sqrt(h + epsilon)        (epsilon_inside=True: Keras 3)
        w = w - lr*g / (sqrt(h) + epsilon)      (epsilon_inside=False: the book, h from 0)
    """
    h = _zeros(state, "h", w, initial_accumulator_value) + g**2
    den = np.sqrt(h + epsilon) if epsilon_inside else np.sqrt(h) + epsilon
    return w - lr * g / den, {"h": h}


def rmsprop(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    rho: float = 0.9,
    epsilon: float = 1e-7,
    momentum: float = 0.0,
    centered: bool = False,
    epsilon_inside: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """RMSprop: divide by a running root-mean-square of the gradient.

    Update::

        v   = rho*v + (1 - rho)*g**2
        centered:  a = rho*a + (1 - rho)*g;  s = v - a**2     otherwise  s = v
        inc = lr*g / sqrt(s + epsilon)          (book, epsilon_inside=False: sqrt(s) + epsilon)
        momentum > 0:  mom = momentum*mom + inc;  w = w - mom
        otherwise:     w = w - inc

    Convention: the book calls rho ``decay_rate`` (0.99 there).
    """
    v = rho * _zeros(state, "v", w) + (1 - rho) * g**2
    new_state = {"v": v}
    s = v
    if centered:
        a = rho * _zeros(state, "a", w) + (1 - rho) * g
        s = v - a**2
        new_state["a"] = a
    inc = lr * g / (np.sqrt(s + epsilon) if epsilon_inside else np.sqrt(s) + epsilon)
    if momentum > 0:
        inc = momentum * _zeros(state, "mom", w) + inc
        new_state["mom"] = inc
    return w - inc, new_state


def adadelta(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    rho: float = 0.95,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Adadelta: the step is the ratio of the running RMS of past steps and of gradients.

    Update::

        Eg2   = rho*Eg2 + (1 - rho)*g**2
        delta = -sqrt(Ed2 + epsilon) / sqrt(Eg2 + epsilon) * g
        Ed2   = rho*Ed2 + (1 - rho)*delta**2
        w     = w + lr*delta                    (the paper: lr = 1)

    Reference: Zeiler, arXiv:1212.5701.
    """
    Eg2 = rho * _zeros(state, "Eg2", w) + (1 - rho) * g**2
    Ed2 = _zeros(state, "Ed2", w)
    delta = -np.sqrt(Ed2 + epsilon) / np.sqrt(Eg2 + epsilon) * g
    Ed2 = rho * Ed2 + (1 - rho) * delta**2
    return w + lr * delta, {"Eg2": Eg2, "Ed2": Ed2}


def adam(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
    amsgrad: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Adam as Keras (and the book) computes it.

    Update (t = 1, 2, ...; m and v start at 0)::

        m = beta_1*m + (1 - beta_1)*g
        v = beta_2*v + (1 - beta_2)*g**2
        amsgrad:  v_max = max(v_max, v), used in place of v below
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - lr_t*m / (sqrt(v) + epsilon)

    Convention: mathematically m_hat/sqrt(v_hat) with m_hat = m/(1 - beta_1**t) and
    v_hat = v/(1 - beta_2**t), with epsilon added to the UNcorrected sqrt(v) (Kingma
    & Ba's "epsilon hat").  PyTorch's ``lr*m_hat/(sqrt(v_hat) + eps)`` differs in
    the 8th digit.  Reference: Kingma & Ba, arXiv:1412.6980; amsgrad: Reddi et al. 2018.
    """
    t = state.get("t", 0) + 1
    m = beta_1 * _zeros(state, "m", w) + (1 - beta_1) * g
    v = beta_2 * _zeros(state, "v", w) + (1 - beta_2) * g**2
    new_state = {"t": t, "m": m, "v": v}
    if amsgrad:
        v = np.maximum(_zeros(state, "v_max", w), v)
        new_state["v_max"] = v
    lr_t = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - lr_t * m / (np.sqrt(v) + epsilon), new_state


def adamax(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Adamax: Adam with the infinity norm of past gradients in place of their RMS.

    Update (t = 1, 2, ...)::

        m = beta_1*m + (1 - beta_1)*g
        u = max(beta_2*u, |g|)
        w = w - lr / (1 - beta_1**t) * m / (u + epsilon)

    Reference: Kingma & Ba, arXiv:1412.6980, Sec. 7.
    """
    t = state.get("t", 0) + 1
    m = beta_1 * _zeros(state, "m", w) + (1 - beta_1) * g
    u = np.maximum(beta_2 * _zeros(state, "u", w), np.abs(g))
    w = w - lr / (1 - beta_1**t) * m / (u + epsilon)
    return w, {"t": t, "m": m, "u": u}


def nadam(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Nadam: Adam with Nesterov momentum and Dozat's momentum schedule (Keras's form).

    Update (t = 1, 2, ...; mu_prod starts at 1)::

        mu_t    = beta_1*(1 - 0.5*0.96**t)        mu_next = beta_1*(1 - 0.5*0.96**(t+1))
        mu_prod = mu_prod*mu_t
        m = beta_1*m + (1 - beta_1)*g
        v = beta_2*v + (1 - beta_2)*g**2
        m_hat = mu_next*m / (1 - mu_prod*mu_next) + (1 - mu_t)*g / (1 - mu_prod)
        v_hat = v / (1 - beta_2**t)
        w = w - lr*m_hat / (sqrt(v_hat) + epsilon)

    Reference: Dozat, "Incorporating Nesterov momentum into Adam", ICLR 2016 workshop.
    """
    t = state.get("t", 0) + 1
    mu_t = beta_1 * (1 - 0.5 * 0.96**t)
    mu_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
    mu_prod = state.get("mu_prod", 1.0) * mu_t
    m = beta_1 * _zeros(state, "m", w) + (1 - beta_1) * g
    v = beta_2 * _zeros(state, "v", w) + (1 - beta_2) * g**2
    m_hat = mu_next * m / (1 - mu_prod * mu_next) + (1 - mu_t) * g / (1 - mu_prod)
    v_hat = v / (1 - beta_2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + epsilon)
    return w, {"t": t, "mu_prod": mu_prod, "m": m, "v": v}


def decoupled_weight_decay(w: np.ndarray, lr: float, weight_decay: float) -> np.ndarray:
    """Shrink the weights before the rule's step: ``w = w - lr*weight_decay*w``.

    Decoupled: it does not pass through the gradient, so Adam's division by sqrt(v)
    does not rescale it (unlike an L2 penalty in the loss).  Every engine optimizer
    given ``weight_decay=`` applies it first; AdamW is Adam with it on by default.
    """
    return w - lr * weight_decay * w


def adamw(
    w: np.ndarray,
    g: np.ndarray,
    state: dict[str, Any],
    lr: float,
    weight_decay: float = 0.004,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, dict[str, Any]]:
    """AdamW: ``decoupled_weight_decay`` then ``adam``.

    Reference: Loshchilov & Hutter, "Decoupled weight decay regularization", arXiv:1711.05101.
    """
    w = decoupled_weight_decay(w, lr, weight_decay)
    return adam(w, g, state, lr, beta_1, beta_2, epsilon)
