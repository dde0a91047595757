"""The plain optimizer rules (``scratchdl.optimizers.plain``) equal the engine's optimizers.

Each engine optimizer runs ``apply`` on a float64 flat store of two small layers for
several steps (so its slots carry state from step to step); the plain rule runs
the same steps on a copy of the flat weights, starting from ``state = {}``.  The
book face's optimizers (``update(params, grads)`` per array) are pinned the same way.
"""

import numpy as np
import pytest

from scratchdl import optimizers
from scratchdl.book import optimizer as book
from scratchdl.layers.base import Layer
from scratchdl.optimizers import plain
from scratchdl.variables import ParamStore

RTOL, ATOL = 1e-12, 1e-15
STEPS = 6


class Weights(Layer):
    """A layer that only owns a (3, 4) kernel and a (4,) bias, drawn from ``rng``."""

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(input_shape, rng, dtype)
        self.add_param("kernel", rng.normal(size=(3, 4)).astype(dtype))
        self.add_param("bias", rng.normal(size=4).astype(dtype))


def float64_store(rng):
    layers = [Weights(), Weights()]
    for layer in layers:
        layer.build((3,), rng, np.float64)
    return ParamStore(np.float64).bind(layers)


def run_both(rng, engine, rule, lr, **rule_kwargs):
    """STEPS steps of ``engine.apply`` and of the plain ``rule``: (plain w, engine w)."""
    store = float64_store(rng)
    w0 = store.data.copy()
    w, state = w0, {}
    for _ in range(STEPS):
        g = rng.normal(scale=2.0, size=store.size)
        store.grad[...] = g
        engine.apply(store)
        w, state = rule(w, g, state, lr, **rule_kwargs)
    assert np.abs(store.data - w0).min() > 1e-6  # every weight moved: the test has teeth
    return w, store.data


# (engine optimizer, plain rule, its keyword arguments); lr 0.1 for the rule
CASES = {
    "sgd": (optimizers.SGD(0.1), plain.sgd, {}),
    "momentum": (optimizers.SGD(0.1, momentum=0.8), plain.momentum, {"momentum": 0.8}),
    "nesterov": (optimizers.SGD(0.1, momentum=0.8, nesterov=True), plain.nesterov,
                 {"momentum": 0.8}),
    "adagrad": (optimizers.Adagrad(0.1), plain.adagrad, {}),
    "adagrad_options": (optimizers.Adagrad(0.1, initial_accumulator_value=0.5, epsilon=1e-3),
                        plain.adagrad, {"initial_accumulator_value": 0.5, "epsilon": 1e-3}),
    "rmsprop": (optimizers.RMSprop(0.1), plain.rmsprop, {}),
    "rmsprop_centered": (optimizers.RMSprop(0.1, centered=True), plain.rmsprop,
                         {"centered": True}),
    "rmsprop_momentum": (optimizers.RMSprop(0.1, momentum=0.5), plain.rmsprop,
                         {"momentum": 0.5}),
    "rmsprop_centered_momentum": (optimizers.RMSprop(0.1, rho=0.8, momentum=0.5, centered=True),
                                  plain.rmsprop, {"rho": 0.8, "momentum": 0.5, "centered": True}),
    "adadelta": (optimizers.Adadelta(0.1), plain.adadelta, {}),
    "adam": (optimizers.Adam(0.1), plain.adam, {}),
    "adam_amsgrad": (optimizers.Adam(0.1, beta_1=0.5, amsgrad=True), plain.adam,
                     {"beta_1": 0.5, "amsgrad": True}),
    "adamax": (optimizers.Adamax(0.1), plain.adamax, {}),
    "nadam": (optimizers.Nadam(0.1), plain.nadam, {}),
    "adamw": (optimizers.AdamW(0.1, weight_decay=0.2), plain.adamw, {"weight_decay": 0.2}),
}  # fmt: skip


def test_every_engine_optimizer_has_a_plain_case():
    exported = [getattr(optimizers, name) for name in optimizers.__all__]
    rules = {c for c in exported if isinstance(c, type) and issubclass(c, optimizers.Optimizer)}
    assert {type(engine) for engine, _, _ in CASES.values()} == rules - {optimizers.Optimizer}


@pytest.mark.parametrize("name", sorted(CASES))
def test_engine_optimizer_equals_plain_rule(rng, name):
    engine, rule, kwargs = CASES[name]
    engine = type(engine).from_config(engine.get_config())  # a fresh one per test
    w_plain, w_engine = run_both(rng, engine, rule, 0.1, **kwargs)
    np.testing.assert_allclose(w_plain, w_engine, rtol=RTOL, atol=ATOL)


def test_decoupled_weight_decay_before_any_rule(rng):
    # every engine optimizer applies weight_decay= before its rule (Keras's order)
    def rmsprop_with_decay(w, g, state, lr):
        return plain.rmsprop(plain.decoupled_weight_decay(w, lr, 0.3), g, state, lr)

    engine = optimizers.RMSprop(0.1, weight_decay=0.3)
    w_plain, w_engine = run_both(rng, engine, rmsprop_with_decay, 0.1)
    np.testing.assert_allclose(w_plain, w_engine, rtol=RTOL, atol=ATOL)


BOOK_CASES = {
    "SGD": (book.SGD(lr=0.1), plain.sgd, {}),
    "Momentum": (book.Momentum(lr=0.1), plain.momentum, {"momentum": 0.9}),
    "Nesterov": (book.Nesterov(lr=0.1), plain.nesterov_bengio, {"momentum": 0.9}),
    "AdaGrad": (book.AdaGrad(lr=0.1), plain.adagrad,
                {"initial_accumulator_value": 0.0, "epsilon_inside": False}),
    "RMSprop": (book.RMSprop(lr=0.1), plain.rmsprop, {"rho": 0.99, "epsilon_inside": False}),
    "Adam": (book.Adam(lr=0.1), plain.adam, {}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BOOK_CASES))
def test_book_optimizer_equals_plain_rule(rng, name):
    optimizer, rule, kwargs = BOOK_CASES[name]
    optimizer = type(optimizer)(lr=0.1)  # fresh state per test
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4)}
    w = {key: value.copy() for key, value in params.items()}
    state = {key: {} for key in params}
    for _ in range(STEPS):
        grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
        optimizer.update(params, grads)
        for key in params:
            w[key], state[key] = rule(w[key], grads[key], state[key], 0.1, **kwargs)
    for key in params:
        np.testing.assert_allclose(w[key], params[key], rtol=RTOL, atol=ATOL)


def test_plain_rules_leave_their_inputs_alone(rng):
    w, g = rng.normal(size=5), rng.normal(size=5)
    _, state = plain.nadam(w, g, {}, 0.1)
    w0, g0 = w.copy(), g.copy()
    state0 = {k: np.copy(v) for k, v in state.items()}
    plain.nadam(w, g, state, 0.1)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(g, g0)
    for key, value in state0.items():
        np.testing.assert_array_equal(state[key], value)


def test_the_comparison_catches_pytorch_adam_and_keras_adagrad(rng):
    def pytorch_adam(w, g, state, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        t = state.get("t", 0) + 1
        m = beta_1 * state.get("m", 0 * w) + (1 - beta_1) * g
        v = beta_2 * state.get("v", 0 * w) + (1 - beta_2) * g**2
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        return w - lr * m_hat / (np.sqrt(v_hat) + epsilon), {"t": t, "m": m, "v": v}

    w_torch, w_engine = run_both(rng, optimizers.Adam(0.1, epsilon=1e-4), pytorch_adam, 0.1,
                                 epsilon=1e-4)  # fmt: skip
    with pytest.raises(AssertionError):  # epsilon on the corrected sqrt(v): another number
        np.testing.assert_allclose(w_torch, w_engine, rtol=RTOL, atol=ATOL)
    book_kwargs = {"initial_accumulator_value": 0.0, "epsilon_inside": False}
    w_book, w_engine = run_both(rng, optimizers.Adagrad(0.1), plain.adagrad, 0.1, **book_kwargs)
    with pytest.raises(AssertionError):  # the book's AdaGrad is not Keras's
        np.testing.assert_allclose(w_book, w_engine, rtol=RTOL, atol=ATOL)


def test_the_books_nesterov_is_keras_nesterov_in_another_order(rng):
    # w + momentum*v_new - lr*g with v_new = momentum*v - lr*g
    #   = w + momentum**2*v - (1 + momentum)*lr*g: the same w and v, step after step
    w_keras = w_book = rng.normal(size=7)
    s_keras, s_book = {}, {}
    for _ in range(STEPS):
        g = rng.normal(size=7)
        w_keras, s_keras = plain.nesterov(w_keras, g, s_keras, 0.1, momentum=0.9)
        w_book, s_book = plain.nesterov_bengio(w_book, g, s_book, 0.1, momentum=0.9)
    np.testing.assert_allclose(w_book, w_keras, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(s_book["v"], s_keras["v"], rtol=RTOL, atol=ATOL)
