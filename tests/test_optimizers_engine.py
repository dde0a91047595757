"""The optimizer base on the flat store: A4's order (clip -> decay -> rule -> constraints),
learning rates and schedules, legacy ``lr``/``decay``, state, config, lookup, dtype,
and argument checks (the per-step cost test is in test_optimizers_cost.py)."""

import numpy as np
import pytest

from scratchdl import optimizers
from tests.test_optimizers import (
    make_store,
    ref_adam,
    ref_sgd,
    reference_run,
    run_engine,
    scalar_store,
    split,
)


def ten_steps(rng, opt, rule, lr, store=None, **ref_kwargs):
    store = store or make_store(rng)
    w0 = split(store, store.data)
    grads = [rng.normal(size=store.size) * 3 for _ in range(10)]
    run_engine(opt, store, grads)
    ref = reference_run(rule, w0, [split(store, g) for g in grads], lr, **ref_kwargs)
    for t, expected in zip(store.tensors, ref):
        np.testing.assert_allclose(store.data[t.start : t.stop], expected, rtol=1e-11, atol=1e-13)
    return store


# -- clipping, decay, schedule, constraints ----------------------------------------


@pytest.mark.parametrize(
    "clip", [{"clipnorm": 1.0}, {"global_clipnorm": 2.0}, {"clipvalue": 0.5}], ids=str
)
def test_each_clip_kind_ten_steps(rng, clip):
    opt = optimizers.SGD(0.1, momentum=0.9, **clip)
    rule = lambda s, w, g, lr, t: ref_sgd(s, w, g, lr, t, momentum=0.9)  # noqa: E731
    ten_steps(rng, opt, rule, 0.1, **clip)


def test_clipping_does_not_modify_store_grad(rng):
    store = make_store(rng)
    g = rng.normal(size=store.size) * 10
    store.grad[...] = g
    optimizers.SGD(0.1, clipnorm=0.1).apply(store)
    np.testing.assert_array_equal(store.grad, g)


def test_clipnorm_by_hand():
    # one tensor with g = 0.5 (norm 0.5) and clipnorm 0.25: g becomes 0.25; w = 1 - 1*0.25
    store = scalar_store()
    store.grad[:] = 0.5
    optimizers.SGD(1.0, clipnorm=0.25).apply(store)
    assert store.data[0] == pytest.approx(0.75, abs=1e-15)
    # norm 0.5 <= clipnorm 1: the gradient is used as is; w = 0.75 - 1*0.5
    optimizers.SGD(1.0, clipnorm=1.0).apply(store)
    assert store.data[0] == pytest.approx(0.25, abs=1e-15)


def test_only_one_clip_may_be_set():
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="clipvalue"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)


def test_weight_decay_before_the_step_with_exclusion(rng):
    opt = optimizers.Adam(0.01, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    store = make_store(rng)
    decayed = ["bias" not in t.path for t in store.tensors]
    assert decayed == [True, False, True, False]
    ten_steps(rng, opt, ref_adam, 0.01, store=store, wd=0.5, decayed=decayed)


def test_weight_decay_exclusion_by_array_and_after_build(rng):
    # g = 0, so only the decay acts: w -= w*0.5*0.1, i.e. w *= 0.95, except the excluded kernel
    store = make_store(rng)
    opt = optimizers.SGD(0.1, weight_decay=0.5)
    opt.build(store)
    opt.exclude_from_weight_decay(var_list=[store.tensors[0].layer.params["kernel"]])
    before = split(store, store.data)
    store.grad[...] = 0.0
    opt.apply(store)
    after = split(store, store.data)
    np.testing.assert_array_equal(after[0], before[0])
    for b, a in zip(before[1:], after[1:]):
        np.testing.assert_allclose(a, b * 0.95, rtol=1e-15)


def test_schedule_is_evaluated_at_iterations_from_zero(rng):
    seen = []

    def schedule(step):
        seen.append(step)
        return 0.1 / (1 + step)

    opt = optimizers.SGD(learning_rate=schedule, momentum=0.9)
    rule = lambda s, w, g, lr, t: ref_sgd(s, w, g, lr, t, momentum=0.9)  # noqa: E731
    ten_steps(rng, opt, rule, None, schedule=lambda k: 0.1 / (1 + k))
    assert seen[:3] == [0, 1, 2]
    assert opt.iterations == 10
    assert opt.learning_rate == pytest.approx(0.1 / 11)


def test_no_argument_callable_learning_rate():
    opt = optimizers.SGD(learning_rate=lambda: 0.5)
    store = scalar_store()
    store.grad[:] = 1.0
    opt.apply(store)
    assert store.data[0] == pytest.approx(0.5)


def test_constraints_are_applied_after_the_step(rng):
    clip = lambda w: np.clip(w, -0.3, 0.3)  # noqa: E731
    store = make_store(rng, constraints={"kernel": clip})
    opt = optimizers.SGD(0.1, momentum=0.9)
    rule = lambda s, w, g, lr, t: ref_sgd(s, w, g, lr, t, momentum=0.9)  # noqa: E731
    cons = [clip if "kernel" in t.path else None for t in store.tensors]
    ten_steps(rng, opt, rule, 0.1, store=store, constraints=cons)
    assert np.abs(store.view(store.tensors[0].path)).max() <= 0.3


def test_constraint_objects_from_scratchdl_constraints(rng):
    from scratchdl.constraints import NonNeg

    store = make_store(rng, constraints={"kernel": NonNeg()})
    store.grad[...] = 1.0
    optimizers.Adam(0.1).apply(store)
    assert store.view(store.tensors[0].path).min() >= 0.0
    assert store.view(store.tensors[1].path).min() < 0.0  # bias unconstrained


# -- learning_rate property, lr alias, legacy decay --------------------------------


def test_learning_rate_property_is_settable_and_lr_is_the_keras_face_alias():
    opt = optimizers.Adam()
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5 and not hasattr(opt, "lr")  # the engine has no alias
    from scratchdl.keras.optimizers import Adam

    opt = Adam()
    opt.lr = 0.25
    assert opt.learning_rate == 0.25 == opt.lr
    with pytest.raises(ValueError, match="learning_rate=-2"):
        opt.learning_rate = -2


def test_learning_rate_with_schedule_cannot_be_set_to_a_number():
    opt = optimizers.SGD(learning_rate=lambda step: 0.1)
    with pytest.raises(TypeError, match="schedule"):
        opt.learning_rate = 0.01


def test_lr_keyword_is_the_keras_faces_and_honoured_with_the_tf_keras_warning():
    from scratchdl.keras import optimizers as keras_optimizers

    with pytest.warns(FutureWarning, match="The `lr` argument is deprecated, use `learning_rate`"):
        opt = keras_optimizers.Adam(lr=0.001, beta_1=0.89)
    assert opt.learning_rate == 0.001 and opt.beta_1 == 0.89
    with pytest.warns(FutureWarning):
        assert keras_optimizers.SGD(lr=0.3).learning_rate == 0.3
    with pytest.raises(ValueError, match="not recognized.*'lr'"):
        optimizers.SGD(lr=0.3)  # the engine takes learning_rate only


def test_legacy_decay_is_inverse_time_on_iterations():
    from scratchdl.keras import optimizers as keras_optimizers

    with pytest.warns(FutureWarning, match="decay"):
        keras_optimizers.SGD(learning_rate=1.0, decay=0.5)
    opt = optimizers.SGD(learning_rate=1.0, decay=0.5)  # the engine: no warning
    store = scalar_store()
    store.grad[:] = 1.0
    opt.apply(store)  # lr = 1/(1 + 0.5*0) = 1
    opt.apply(store)  # lr = 1/(1 + 0.5*1) = 2/3
    assert store.data[0] == pytest.approx(1 - 1 - 2 / 3, abs=1e-15)
    assert opt.current_learning_rate() == pytest.approx(1 / (1 + 0.5 * 2))
    assert opt.get_config()["decay"] == 0.5


# -- state ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sgd", "adam", "adamw", "adagrad", "rmsprop", "adadelta", "adamax", "nadam"]
)
def test_state_round_trip_continues_identically(rng, name):
    make = lambda: optimizers.get(name) if name != "sgd" else optimizers.SGD(momentum=0.9)  # noqa: E731
    same = lambda: make_store(np.random.default_rng(1), names=["d", "d_1"])  # noqa: E731
    a_store, b_store = same(), same()
    grads = [rng.normal(size=a_store.size) for _ in range(6)]
    a = make()
    run_engine(a, a_store, grads[:3])
    state = a.get_state()
    assert int(state["iterations"]) == 3
    assert all("/" in k for k in state if k not in ("iterations", "u_product"))
    b_store.data[...] = a_store.data
    b = make()
    b.set_state(state)  # before build: kept and applied at build
    run_engine(a, a_store, grads[3:])
    run_engine(b, b_store, grads[3:])
    np.testing.assert_array_equal(a_store.data, b_store.data)


def test_state_is_keyed_by_path_and_copies(rng):
    store = make_store(rng)
    opt = optimizers.Adam(amsgrad=True)
    store.grad[...] = 1.0
    opt.apply(store)
    state = opt.get_state()
    paths = [t.path for t in store.tensors]
    slots = ["momentum", "velocity", "velocity_hat"]
    assert set(state) == {"iterations"} | {f"{p}/{s}" for p in paths for s in slots}
    assert state[f"{paths[0]}/momentum"].shape == (3, 4)
    state[f"{paths[0]}/momentum"][...] = 123.0
    assert opt.get_state()[f"{paths[0]}/momentum"].max() < 1.0


def test_set_state_errors_name_the_entries(rng):
    store = make_store(rng)
    opt = optimizers.SGD(momentum=0.9)
    opt.build(store)
    state = opt.get_state()
    key = f"{store.tensors[0].path}/momentum"
    bad = {k: v for k, v in state.items() if k != key}
    with pytest.raises(ValueError, match="missing.*" + key):
        opt.set_state(bad)
    with pytest.raises(ValueError, match="unexpected.*other/kernel/momentum"):
        opt.set_state({**state, "other/kernel/momentum": np.zeros(3)})
    with pytest.raises(ValueError, match=r"shape \(2,\), expected \(3, 4\)"):
        opt.set_state({**state, key: np.zeros(2)})


# -- config, get, serialize -------------------------------------------------------------


@pytest.mark.parametrize(
    "ident",
    [
        "SGD",
        "sgd",
        "Sgd",
        "adam",
        "RMSprop",
        "rmsprop",
        "adagrad",
        "adadelta",
        "adamax",
        "nadam",
        "adamw",
        "AdamW",
    ],
)
def test_get_is_case_insensitive(ident):
    opt = optimizers.get(ident)
    assert type(opt).__name__.lower() == ident.lower()


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"'adamm'.*Adam.*RMSprop.*SGD"):
        optimizers.get("adamm")
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt


def test_serialize_round_trip():
    opt = optimizers.RMSprop(0.02, rho=0.8, momentum=0.1, centered=True, clipvalue=1.0)
    config = optimizers.serialize(opt)
    assert config["class_name"] == "RMSprop"
    again = optimizers.deserialize(config)
    assert again.get_config() == opt.get_config()
    assert optimizers.get(config).rho == 0.8


def test_from_config_accepts_keras3_defaults():
    cfg = {"learning_rate": 0.1, "use_ema": False, "ema_momentum": 0.99, "jit_compile": True}
    assert optimizers.Adam.from_config(cfg).learning_rate == 0.1
    with pytest.raises(ValueError, match="use_ema"):
        optimizers.Adam(use_ema=True)


# -- dtype and arguments ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sgd", "adam", "adamw", "adagrad", "rmsprop", "adadelta", "adamax", "nadam"]
)
def test_float32_store_stays_float32(rng, name):
    store = make_store(rng, dtype=np.float32)
    opt = optimizers.get(name)
    opt.build(store)
    run_engine(opt, store, [rng.normal(size=store.size).astype(np.float32) for _ in range(3)])
    assert store.data.dtype == np.float32
    assert all(v.dtype == np.float32 for k, v in opt.get_state().items() if "/" in k)


@pytest.mark.parametrize(
    "call, quoted",
    [
        (lambda: optimizers.SGD(learning_rate=-1), "learning_rate=-1"),
        (lambda: optimizers.SGD(learning_rate=float("nan")), "learning_rate=nan"),
        (lambda: optimizers.SGD(learning_rate="fast"), "learning_rate='fast'"),
        (lambda: optimizers.SGD(momentum=1.5), "momentum=1.5"),
        (lambda: optimizers.SGD(momentum=-0.1), "momentum=-0.1"),
        (lambda: optimizers.Adam(beta_1=1.0), "beta_1=1.0"),
        (lambda: optimizers.RMSprop(rho=2), "rho=2"),
        (lambda: optimizers.Adam(epsilon=-1e-7), "epsilon=-1e-07"),
        (lambda: optimizers.SGD(clipnorm=0), "clipnorm=0"),
        (lambda: optimizers.AdamW(weight_decay=None), "weight_decay=None"),
        (lambda: optimizers.SGD(foo=1), "not recognized: {'foo': 1}"),
    ],
)
def test_bad_arguments_raise_valueerror_quoting_the_value(call, quoted):
    with pytest.raises(ValueError) as info:
        call()
    assert quoted in str(info.value)


def test_ints_are_accepted_like_tf_keras():
    opt = optimizers.SGD(learning_rate=1, momentum=0)
    assert isinstance(opt.learning_rate, float) and opt.momentum == 0.0


# -- building, real schedules ---------------------------------------------------------------


def test_build_again_on_the_same_store_keeps_state_and_other_store_raises(rng):
    store = make_store(rng)
    opt = optimizers.Adam()
    store.grad[...] = 1.0
    opt.apply(store)
    state = opt.get_state()
    opt.build(store)  # e.g. compile() then fit() both build
    for key, value in opt.get_state().items():
        np.testing.assert_array_equal(value, state[key])
    with pytest.raises(ValueError, match="another parameter store"):
        opt.apply(make_store(rng))


def test_scratchdl_schedule_and_its_config_round_trip():
    from scratchdl import schedules

    sched = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=sched)
    store = scalar_store()
    store.grad[:] = 1.0
    for _ in range(3):
        opt.apply(store)
    # lr at steps 0, 1, 2 = 0.1 * 0.5**(k/2)
    expected = 1 - sum(0.1 * 0.5 ** (k / 2) for k in range(3))
    assert store.data[0] == pytest.approx(expected, abs=1e-12)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again._schedule) is schedules.ExponentialDecay
    assert again.learning_rate == pytest.approx(0.1)


def test_plain_function_schedule_config_records_current_value_with_warning():
    opt = optimizers.Adam(learning_rate=lambda step: 0.5 / (1 + step))
    opt.iterations = 4
    with pytest.warns(UserWarning, match="current value 0.1"):
        assert opt.get_config()["learning_rate"] == pytest.approx(0.1)
