"""The book face's optimizers against docs/book.md a.5 (``common/optimizer.py``).

Each class runs 10 steps on a dict of two parameters and must equal a float64
transcription of the a.5 table written here (never calling scratchdl's rules), update
the arrays in place, and create its state lazily keyed by the parameter names.
"""

import math

import numpy as np
import pytest

from scratchdl.book.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from scratchdl.variables import ParamStore
from tests.test_optimizers import Tiny

EPS = 1e-7


def make_params(rng):
    return {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4)}


def grad_seq(rng, params, steps=10):
    return [{k: rng.normal(size=v.shape) for k, v in params.items()} for _ in range(steps)]


# -- float64 transcriptions of the a.5 table ------------------------------------------


def book_sgd(p, grads, lr=0.01):
    for g in grads:
        for k in p:
            p[k] = p[k] - lr * g[k]
    return p


def book_momentum(p, grads, lr=0.01, momentum=0.9):
    v = {k: np.zeros_like(x) for k, x in p.items()}
    for g in grads:
        for k in p:
            v[k] = momentum * v[k] - lr * g[k]
            p[k] = p[k] + v[k]
    return p


def book_nesterov(p, grads, lr=0.01, momentum=0.9):
    """JP after fix 89eadd0: p += m^2 v; p -= (1+m) lr g; v *= m; v -= lr g (old v)."""
    v = {k: np.zeros_like(x) for k, x in p.items()}
    for g in grads:
        for k in p:
            p[k] = p[k] + momentum * momentum * v[k]
            p[k] = p[k] - (1 + momentum) * lr * g[k]
            v[k] = v[k] * momentum
            v[k] = v[k] - lr * g[k]
    return p


def kr_nesterov_prefix(p, grads, lr=0.01, momentum=0.9):
    """KR (pre-fix) order: v updated first, then p += m^2 v_new - (1+m) lr g."""
    v = {k: np.zeros_like(x) for k, x in p.items()}
    for g in grads:
        for k in p:
            v[k] = v[k] * momentum - lr * g[k]
            p[k] = p[k] + momentum * momentum * v[k] - (1 + momentum) * lr * g[k]
    return p


def book_adagrad(p, grads, lr=0.01):
    h = {k: np.zeros_like(x) for k, x in p.items()}
    for g in grads:
        for k in p:
            h[k] = h[k] + g[k] * g[k]
            p[k] = p[k] - lr * g[k] / (np.sqrt(h[k]) + EPS)
    return p


def book_rmsprop(p, grads, lr=0.01, decay_rate=0.99):
    h = {k: np.zeros_like(x) for k, x in p.items()}
    for g in grads:
        for k in p:
            h[k] = h[k] * decay_rate
            h[k] = h[k] + (1 - decay_rate) * g[k] * g[k]
            p[k] = p[k] - lr * g[k] / (np.sqrt(h[k]) + EPS)
    return p


def book_adam(p, grads, lr=0.001, beta1=0.9, beta2=0.999):
    m = {k: np.zeros_like(x) for k, x in p.items()}
    v = {k: np.zeros_like(x) for k, x in p.items()}
    for it, g in enumerate(grads, start=1):
        lr_t = lr * math.sqrt(1 - beta2**it) / (1 - beta1**it)
        for k in p:
            m[k] = m[k] + (1 - beta1) * (g[k] - m[k])
            v[k] = v[k] + (1 - beta2) * (g[k] ** 2 - v[k])
            p[k] = p[k] - lr_t * m[k] / (np.sqrt(v[k]) + EPS)
    return p


CASES = [
    (SGD, {}, book_sgd),
    (SGD, {"lr": 0.1}, book_sgd),
    (Momentum, {}, book_momentum),
    (Momentum, {"lr": 0.1, "momentum": 0.5}, book_momentum),
    (Nesterov, {}, book_nesterov),
    (Nesterov, {"lr": 0.1, "momentum": 0.8}, book_nesterov),
    (AdaGrad, {}, book_adagrad),
    (AdaGrad, {"lr": 0.5}, book_adagrad),
    (RMSprop, {}, book_rmsprop),
    (RMSprop, {"lr": 0.05, "decay_rate": 0.9}, book_rmsprop),
    (Adam, {}, book_adam),
    (Adam, {"lr": 0.01, "beta1": 0.8, "beta2": 0.99}, book_adam),
]


@pytest.mark.parametrize("cls, kwargs, reference", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_ten_steps_equal_the_book_formula_in_place(rng, cls, kwargs, reference):
    params = make_params(rng)
    originals = dict(params)
    start = {k: v.copy() for k, v in params.items()}
    grads = grad_seq(rng, params)
    opt = cls(**kwargs)
    for g in grads:
        opt.update(params, g)
    expected = reference(start, grads, **kwargs)
    for k in params:
        assert params[k] is originals[k]  # the same array objects changed
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-12, atol=1e-14, err_msg=k)


def test_nesterov_is_the_fixed_order_not_kr_nor_keras(rng):
    params = make_params(rng)
    start = {k: v.copy() for k, v in params.items()}
    grads = grad_seq(rng, params, steps=3)
    opt = Nesterov(lr=0.1)
    for g in grads:
        opt.update(params, g)
    kr = kr_nesterov_prefix({k: v.copy() for k, v in start.items()}, grads, lr=0.1)
    assert not np.allclose(params["W1"], kr["W1"], rtol=1e-6)
    # first step from v = 0 is p -= (1+m) lr g in both orders; the second differs
    one = {k: v.copy() for k, v in start.items()}
    Nesterov(lr=0.1).update(one, grads[0])
    np.testing.assert_allclose(one["W1"], start["W1"] - 1.9 * 0.1 * grads[0]["W1"], rtol=1e-14)


def test_adam_folds_the_bias_correction_eps_on_uncorrected_v(rng):
    """Folded form vs textbook Adam (m_hat, v_hat, eps on sqrt(v_hat)): tiny, nonzero gap."""
    params = make_params(rng)
    start = {k: v.copy() for k, v in params.items()}
    grads = grad_seq(rng, params, steps=50)
    opt = Adam()
    for g in grads:
        opt.update(params, g)
    p, m, v = start["W1"].copy(), 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g["W1"]
        v = 0.999 * v + 0.001 * g["W1"] ** 2
        p = p - 0.001 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + EPS)
    gap = np.abs(params["W1"] - p).max()
    assert 0 < gap < 1e-6
    assert opt.iter == 50


def test_state_is_created_lazily_keyed_by_param_names(rng):
    params = make_params(rng)
    mom, ada, rms, adam = Momentum(), AdaGrad(), RMSprop(), Adam()
    assert mom.v is None and ada.h is None and rms.h is None and adam.m is None and adam.iter == 0
    g = {k: np.ones_like(v) for k, v in params.items()}
    for opt in (mom, ada, rms, adam):
        opt.update(params, g)
    assert set(mom.v) == set(ada.h) == set(rms.h) == set(adam.m) == set(adam.v) == {"W1", "b1"}


def test_book_defaults():
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (Nesterov().lr, Nesterov().momentum) == (0.01, 0.9)
    assert AdaGrad().lr == 0.01
    assert (RMSprop().lr, RMSprop().decay_rate) == (0.01, 0.99)
    assert (Adam().lr, Adam().beta1, Adam().beta2) == (0.001, 0.9, 0.999)


def test_update_on_store_views_changes_the_flat_store(rng):
    """Book networks hand out views of the engine's flat store: updates land in it."""
    layer = Tiny({"W": (3, 4), "b": (4,)})
    layer.build((3,), rng, np.float64)
    store = ParamStore(np.float64).bind([layer])
    before = store.data.copy()
    grads = {k: np.ones_like(v) for k, v in layer.params.items()}
    Adam(lr=0.1).update(layer.params, grads)
    np.testing.assert_allclose(store.data, before - 0.1, rtol=0, atol=1e-6)
    assert np.shares_memory(layer.params["W"], store.data)


def test_float32_params_stay_float32(rng):
    params = {k: v.astype(np.float32) for k, v in make_params(rng).items()}
    grads = {k: np.ones_like(v) for k, v in params.items()}
    for opt in (SGD(), Momentum(), Nesterov(), AdaGrad(), RMSprop(), Adam()):
        opt.update(params, grads)
    assert all(v.dtype == np.float32 for v in params.values())
