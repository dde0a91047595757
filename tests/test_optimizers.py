"""Each engine optimizer against docs/keras-reference.md A4.

Two kinds of evidence per optimizer:
* a hand-computed first step on one scalar parameter (w = 1, g = 0.5), the numbers
  worked out in the test from the formula;
* 10 steps on a two-layer store matching a float64 transcription of the A4 formula
  written here from the reference text (per tensor, never calling scratchdl's rules).
"""

import math

import numpy as np
import pytest

from scratchdl import optimizers
from scratchdl.layers.base import Layer
from scratchdl.variables import ParamStore

# -- fixtures: a store built from tiny layers ------------------------------------


class Tiny(Layer):
    """A layer that only owns parameters of the given shapes (optionally constrained)."""

    def __init__(self, shapes, constraints=None, init=None, **kwargs):
        super().__init__(**kwargs)
        self.shapes, self.init, self.constraint_map = shapes, init, constraints or {}

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(input_shape, rng, dtype)
        for key, shape in self.shapes.items():
            value = np.full(shape, self.init) if self.init is not None else rng.normal(size=shape)
            self.add_param(key, value.astype(dtype), constraint=self.constraint_map.get(key))


def make_store(rng, n_layers=2, dtype=np.float64, constraints=None, shapes=None, names=None):
    shapes = shapes or {"kernel": (3, 4), "bias": (4,)}
    names = names or [None] * n_layers
    layers = [Tiny(shapes, constraints, name=names[i]) for i in range(n_layers)]
    for layer in layers:
        layer.build((3,), rng, dtype)
    return ParamStore(dtype).bind(layers)


def scalar_store(dtype=np.float64):
    layer = Tiny({"w": (1,)}, init=1.0)
    layer.build((1,), None, dtype)
    return ParamStore(dtype).bind([layer])


def first_step(opt):
    store = scalar_store()
    store.grad[:] = 0.5
    opt.apply(store)
    return float(store.data[0])


def run_engine(opt, store, grad_seq):
    for g in grad_seq:
        store.grad[...] = g
        opt.apply(store)
    return store.data.copy()


def split(store, flat):
    return [np.array(flat[t.start : t.stop], dtype=np.float64) for t in store.tensors]


def grad_sequence(rng, store, steps=10):
    return [rng.normal(size=store.size) for _ in range(steps)]


# -- float64 transcriptions of A4 (per tensor; `s` is that tensor's slot dict) ----


def ref_sgd(s, w, g, lr, t, momentum=0.0, nesterov=False):
    if momentum == 0:
        return w - lr * g
    s["v"] = momentum * s.get("v", 0 * w) - lr * g
    return w + momentum * s["v"] - lr * g if nesterov else w + s["v"]


def ref_adam(s, w, g, lr, t, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    m, v = s.get("m", 0 * w), s.get("v", 0 * w)
    m = m + (g - m) * (1 - b1)
    v = v + (g**2 - v) * (1 - b2)
    s["m"], s["v"] = m, v
    if amsgrad:
        s["vh"] = np.maximum(s.get("vh", 0 * w), v)
        v = s["vh"]
    alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
    return w - alpha * m / (np.sqrt(v) + eps)


def ref_rmsprop(s, w, g, lr, t, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    s["v"] = rho * s.get("v", 0 * w) + (1 - rho) * g**2
    if centered:
        s["a"] = rho * s.get("a", 0 * w) + (1 - rho) * g
        den = s["v"] - s["a"] ** 2 + eps
    else:
        den = s["v"] + eps
    inc = lr * g / np.sqrt(den)
    if momentum > 0:
        s["mom"] = momentum * s.get("mom", 0 * w) + inc
        return w - s["mom"]
    return w - inc


def ref_adagrad(s, w, g, lr, t, init=0.1, eps=1e-7):
    s["acc"] = s.get("acc", 0 * w + init) + g**2
    return w - lr * g / np.sqrt(s["acc"] + eps)


def ref_adadelta(s, w, g, lr, t, rho=0.95, eps=1e-7):
    s["ag"] = rho * s.get("ag", 0 * w) + (1 - rho) * g**2
    delta = -np.sqrt(s.get("ad", 0 * w) + eps) * g / np.sqrt(s["ag"] + eps)
    s["ad"] = rho * s.get("ad", 0 * w) + (1 - rho) * delta**2
    return w + lr * delta


def ref_adamax(s, w, g, lr, t, b1=0.9, b2=0.999, eps=1e-7):
    s["m"] = s.get("m", 0 * w) + (g - s.get("m", 0 * w)) * (1 - b1)
    s["u"] = np.maximum(b2 * s.get("u", 0 * w), np.abs(g))
    return w - lr * s["m"] / ((1 - b1**t) * (s["u"] + eps))


def ref_nadam(s, w, g, lr, t, b1=0.9, b2=0.999, eps=1e-7):
    u_t = b1 * (1 - 0.5 * 0.96**t)
    u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
    s["prod"] = s.get("prod", 1.0) * u_t
    m = s.get("m", 0 * w)
    s["m"] = m + (g - m) * (1 - b1)
    v = s.get("v", 0 * w)
    s["v"] = v + (g**2 - v) * (1 - b2)
    m_hat = u_t1 * s["m"] / (1 - s["prod"] * u_t1) + (1 - u_t) * g / (1 - s["prod"])
    v_hat = s["v"] / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


def reference_run(
    rule,
    ws,
    grads,
    lr,
    *,
    schedule=None,
    wd=None,
    decayed=None,
    clipnorm=None,
    global_clipnorm=None,
    clipvalue=None,
    constraints=None,
):
    """A4's order per step: clip -> decoupled decay -> rule -> constraints; lr at step k."""
    ws = [w.copy() for w in ws]
    slots = [{} for _ in ws]
    for k, gs in enumerate(grads):
        lr_k = schedule(k) if schedule is not None else lr
        if clipnorm is not None:
            gs = [g * clipnorm / max(np.sqrt(np.sum(g**2)), clipnorm) for g in gs]
        if global_clipnorm is not None:
            norm = math.sqrt(sum(np.sum(g**2) for g in gs))
            gs = [g * global_clipnorm / max(norm, global_clipnorm) for g in gs]
        if clipvalue is not None:
            gs = [np.clip(g, -clipvalue, clipvalue) for g in gs]
        if wd is not None:
            ws = [
                w - w * wd * lr_k if decayed is None or decayed[i] else w for i, w in enumerate(ws)
            ]
        ws = [rule(slots[i], w, g, lr_k, k + 1) for i, (w, g) in enumerate(zip(ws, gs))]
        if constraints is not None:
            ws = [constraints[i](w) if constraints[i] else w for i, w in enumerate(ws)]
    return ws


def assert_matches(store, ref_ws, rtol=1e-11):
    for t, expected in zip(store.tensors, ref_ws):
        got = store.data[t.start : t.stop]
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-13, err_msg=t.path)


def check_ten_steps(rng, opt, rule, lr, **ref_kwargs):
    store = make_store(rng)
    w0, grads = split(store, store.data), grad_sequence(rng, store)
    run_engine(opt, store, grads)
    ref = reference_run(rule, w0, [split(store, g) for g in grads], lr, **ref_kwargs)
    assert_matches(store, ref)
    return store


# -- hand-computed first steps ---------------------------------------------------


def test_sgd_first_step_by_hand():
    assert first_step(optimizers.SGD(learning_rate=0.1)) == pytest.approx(0.95, abs=1e-15)
    # momentum: v = 0.9*0 - 0.1*0.5 = -0.05; w = 1 - 0.05
    assert first_step(optimizers.SGD(0.1, momentum=0.9)) == pytest.approx(0.95, abs=1e-15)
    # nesterov: w = 1 + 0.9*(-0.05) - 0.05 = 0.905
    assert first_step(optimizers.SGD(0.1, 0.9, nesterov=True)) == pytest.approx(0.905, abs=1e-15)


def test_adaptive_first_steps_by_hand():
    # Adam: m = 0.05, v = 0.00025, alpha = 0.1*sqrt(0.001)/0.1; w = 1 - alpha*m/(sqrt(v)+1e-7)
    assert first_step(optimizers.Adam(0.1)) == pytest.approx(0.9000006324515, abs=1e-12)
    # AdamW: first 1 - 1*0.004*0.1 = 0.9996, then the same Adam step
    assert first_step(optimizers.AdamW(0.1)) == pytest.approx(0.8996006324515, abs=1e-12)
    # Adagrad: acc = 0.1 + 0.25; w = 1 - 0.1*0.5/sqrt(0.35 + 1e-7)
    assert first_step(optimizers.Adagrad(0.1)) == pytest.approx(0.9154845866008, abs=1e-12)
    # RMSprop: v = 0.1*0.25 = 0.025; w = 1 - 0.1*0.5/sqrt(0.025 + 1e-7)
    assert first_step(optimizers.RMSprop(0.1)) == pytest.approx(0.6837728664368, abs=1e-12)
    # Adadelta (lr=1): acc_g = 0.05*0.25; delta = -sqrt(1e-7)*0.5/sqrt(0.0125 + 1e-7)
    assert first_step(optimizers.Adadelta(1.0)) == pytest.approx(0.9985857920944, abs=1e-12)
    # Adamax: m = 0.05, u = 0.5; w = 1 - 0.1*0.05/((1 - 0.9)*(0.5 + 1e-7))
    assert first_step(optimizers.Adamax(0.1)) == pytest.approx(0.90000002, abs=1e-12)
    # Nadam: u1 = 0.9*0.52 = 0.468, u2 = 0.9*(1 - 0.5*0.9216) = 0.48528, prod = 0.468,
    # m_hat = u2*0.05/(1 - 0.468*u2) + 0.532*0.5/0.532 = 0.5313939016544, v_hat = 0.25
    assert first_step(optimizers.Nadam(0.1)) == pytest.approx(0.8937212409249, abs=1e-12)


# -- ten steps against the transcriptions -----------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": 0.9}, {"momentum": 0.5, "nesterov": True}],
    ids=["plain", "momentum", "nesterov"],
)
def test_sgd_ten_steps(rng, kwargs):
    opt = optimizers.SGD(0.05, **kwargs)
    check_ten_steps(rng, opt, lambda s, w, g, lr, t: ref_sgd(s, w, g, lr, t, **kwargs), 0.05)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_ten_steps(rng, amsgrad):
    opt = optimizers.Adam(0.01, beta_1=0.8, beta_2=0.99, amsgrad=amsgrad)
    rule = lambda s, w, g, lr, t: ref_adam(s, w, g, lr, t, 0.8, 0.99, amsgrad=amsgrad)  # noqa: E731
    check_ten_steps(rng, opt, rule, 0.01)


def test_amsgrad_differs_from_adam_on_shrinking_gradients():
    """v_hat keeps the largest v, so later steps are smaller than plain Adam's."""
    a, b = scalar_store(), scalar_store()
    opt_a, opt_b = optimizers.Adam(0.1, beta_2=0.5), optimizers.Adam(0.1, beta_2=0.5, amsgrad=True)
    for g in [1.0, 0.01, 0.01]:
        a.grad[:] = b.grad[:] = g
        opt_a.apply(a)
        opt_b.apply(b)
    assert (1 - b.data[0]) < (1 - a.data[0])


def test_adamw_ten_steps(rng):
    opt = optimizers.AdamW(0.01, weight_decay=0.1)
    check_ten_steps(rng, opt, ref_adam, 0.01, wd=0.1)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": 0.9}, {"centered": True}, {"centered": True, "momentum": 0.5}],
    ids=["plain", "momentum", "centered", "centered-momentum"],
)
def test_rmsprop_ten_steps(rng, kwargs):
    opt = optimizers.RMSprop(0.01, rho=0.8, **kwargs)
    rule = lambda s, w, g, lr, t: ref_rmsprop(s, w, g, lr, t, rho=0.8, **kwargs)  # noqa: E731
    check_ten_steps(rng, opt, rule, 0.01)


def test_adagrad_ten_steps(rng):
    opt = optimizers.Adagrad(0.05, initial_accumulator_value=0.2)
    rule = lambda s, w, g, lr, t: ref_adagrad(s, w, g, lr, t, init=0.2)  # noqa: E731
    check_ten_steps(rng, opt, rule, 0.05)


def test_adadelta_ten_steps(rng):
    opt = optimizers.Adadelta(1.0, rho=0.9)
    rule = lambda s, w, g, lr, t: ref_adadelta(s, w, g, lr, t, rho=0.9)  # noqa: E731
    check_ten_steps(rng, opt, rule, 1.0)


def test_adamax_ten_steps(rng):
    check_ten_steps(rng, optimizers.Adamax(0.02), ref_adamax, 0.02)


def test_nadam_ten_steps(rng):
    check_ten_steps(rng, optimizers.Nadam(0.02), ref_nadam, 0.02)


def test_defaults_are_keras_defaults():
    """docs/keras-reference.md A4 default table (K3 and TK 2.11+)."""
    sgd, adam, rms = optimizers.SGD(), optimizers.Adam(), optimizers.RMSprop()
    assert (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2) == (0.001, 0.9, 0.999)
    assert (adam.epsilon, adam.amsgrad) == (1e-7, False)
    assert (rms.learning_rate, rms.rho, rms.momentum, rms.epsilon) == (0.001, 0.9, 0.0, 1e-7)
    assert rms.centered is False
    ada = optimizers.Adagrad()
    assert (ada.learning_rate, ada.initial_accumulator_value, ada.epsilon) == (0.001, 0.1, 1e-7)
    assert (optimizers.Adadelta().learning_rate, optimizers.Adadelta().rho) == (0.001, 0.95)
    adamw = optimizers.AdamW()
    assert (adamw.learning_rate, adamw.weight_decay, adamw.beta_1) == (0.001, 0.004, 0.9)
    for cls in (optimizers.Nadam, optimizers.Adamax):
        o = cls()
        assert (o.learning_rate, o.beta_1, o.beta_2, o.epsilon) == (0.001, 0.9, 0.999, 1e-7)


def test_legacy_warnings_point_at_the_callers_line():
    import warnings

    from scratchdl.keras.optimizers import SGD, Adam

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Adam(lr=0.01)
        SGD(lr=0.1, decay=0.1)
    assert len(caught) == 3
    assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]
