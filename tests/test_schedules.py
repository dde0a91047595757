"""Learning-rate schedules: the closed forms of docs/keras-reference.md A8, written out here."""

import math
import re

import numpy as np
import pytest

from scratchdl import schedules as S


def close(a, b):
    return type(a) is float and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("step", [0, 1, 50, 99, 100, 101, 250, 1000])
def test_exponential_decay(step):
    smooth = S.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96)
    stairs = S.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96, staircase=True)
    assert close(smooth(step), 0.1 * 0.96 ** (step / 100))
    assert close(stairs(step), 0.1 * 0.96 ** (step // 100))


def test_exponential_staircase_steps():
    sch = S.ExponentialDecay(1.0, 10, 0.5, staircase=True)
    assert [sch(s) for s in (0, 9, 10, 19, 20)] == [1.0, 1.0, 0.5, 0.5, 0.25]


@pytest.mark.parametrize("step", [0, 3, 10, 15, 99])
def test_inverse_time_decay(step):
    smooth = S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
    stairs = S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert close(smooth(step), 0.1 / (1 + 0.5 * step / 10))
    assert close(stairs(step), 0.1 / (1 + 0.5 * (step // 10)))


def test_piecewise_constant_at_and_around_boundaries():
    sch = S.PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    got = {s: sch(s) for s in (0, 99, 100, 101, 199, 200, 201, 10_000)}
    # A8: values[0] if step <= b0; values[1] if b0 < step <= b1; values[-1] if step > b1.
    assert got == {0: 1.0, 99: 1.0, 100: 1.0, 101: 0.5, 199: 0.5, 200: 0.5, 201: 0.1, 10_000: 0.1}
    assert type(sch(np.int64(150))) is float and sch(np.int64(150)) == 0.5


def test_piecewise_constant_integer_values_become_floats():
    sch = S.PiecewiseConstantDecay([0], [1, 2])
    assert sch(0) == 1.0 and type(sch(0)) is float and sch(1) == 2.0


def _poly(lr0, end, power, s, D):
    return (lr0 - end) * (1 - s / D) ** power + end


@pytest.mark.parametrize("step", [0, 1, 50, 99, 100, 101, 150, 1000])
def test_polynomial_decay_without_cycle(step):
    sch = S.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01, power=2.0)
    assert close(sch(step), _poly(0.1, 0.01, 2.0, min(step, 100), 100))


def test_polynomial_decay_defaults_reach_end():
    sch = S.PolynomialDecay(0.1, 100)
    assert close(sch(0), 0.1) and close(sch(100), 0.0001) and close(sch(500), 0.0001)
    assert close(sch(50), (0.1 - 0.0001) * 0.5 + 0.0001)


def test_polynomial_decay_cycle():
    D = 100
    sch = S.PolynomialDecay(0.1, D, end_learning_rate=0.01, power=2.0, cycle=True)
    assert close(sch(0), 0.1)  # multiplier 1 at step 0
    assert close(sch(50), _poly(0.1, 0.01, 2.0, 50, D))
    assert close(sch(D), 0.01)  # ceil(100 / 100) = 1: the end of the first cycle
    assert close(sch(D + 1), _poly(0.1, 0.01, 2.0, D + 1, 2 * D))
    assert close(sch(2 * D), 0.01)
    assert close(sch(2 * D + 1), _poly(0.1, 0.01, 2.0, 2 * D + 1, 3 * D))
    assert sch(D + 1) > sch(D)  # the restart jumps up


@pytest.mark.parametrize("step", [0, 10, 50, 73, 100, 101, 1000])
def test_cosine_decay(step):
    sch = S.CosineDecay(2.0, decay_steps=100, alpha=0.1)
    s = min(step, 100)
    assert close(sch(step), 2.0 * ((1 - 0.1) * 0.5 * (1 + math.cos(math.pi * s / 100)) + 0.1))


def test_cosine_decay_landmarks():
    sch = S.CosineDecay(1.0, 100, alpha=0.1)
    assert close(sch(0), 1.0) and close(sch(50), 0.55) and close(sch(100), 0.1)


def test_cosine_decay_warmup():
    sch = S.CosineDecay(0.0, decay_steps=100, warmup_target=1.0, warmup_steps=10, alpha=0.2)
    assert close(sch(0), 0.0) and close(sch(5), 0.5) and close(sch(9), 0.9)
    for step in (10, 35, 60, 110, 111, 5000):
        s = min(step, 110) - 10
        cosine = 0.5 * (1 + math.cos(math.pi * s / 100))
        assert close(sch(step), 1.0 * ((1 - 0.2) * cosine + 0.2)), step
    assert close(sch(60), 0.6)  # (1 - 0.2) * 0.5 + 0.2


def test_cosine_decay_warmup_steps_without_target_is_ignored():
    a = S.CosineDecay(1.0, 100, warmup_steps=10)
    b = S.CosineDecay(1.0, 100)
    assert [a(s) for s in (0, 5, 50)] == [b(s) for s in (0, 5, 50)]


def _sgdr_closed_form(step, lr0, D, t_mul, m_mul, alpha):
    """A8 written out: i = floor(log(1 - f(1 - t)) / log t), f = (f - (1 - t^i)/(1 - t)) / t^i."""
    f = step / D
    i = math.floor(math.log(1 - f * (1 - t_mul)) / math.log(t_mul))
    f = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
    return lr0 * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * f)) + alpha)


# D = 10, t_mul = 2: period 0 = [0, 10), period 1 = [10, 30), period 2 = [30, 70), 3 = [70, 150)
@pytest.mark.parametrize("step", [0, 3, 9, 11, 15, 29, 31, 45, 69, 71, 100, 149])
def test_cosine_decay_restarts_matches_a8(step):
    sch = S.CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    assert close(sch(step), _sgdr_closed_form(step, 1.0, 10, 2.0, 0.5, 0.1))


def test_cosine_decay_restarts_by_hand():
    sch = S.CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    # Period 1 [10, 30): peak 0.5, step 15 is a quarter in.  Period 2 [30, 70): peak 0.25.
    assert close(sch(15), 0.9 * 0.5 * 0.5 * (1 + math.cos(math.pi * 0.25)) + 0.1)
    assert close(sch(50), 0.9 * 0.25 * 0.5 * (1 + math.cos(math.pi * 0.5)) + 0.1)
    # Each period starts at its peak: 0.1 + 0.9 * 0.5**i (also exactly at the boundary steps).
    for start, i in ((0, 0), (10, 1), (30, 2), (70, 3), (150, 4), (310, 5)):
        assert close(sch(start), 0.1 + 0.9 * 0.5**i), start
    assert sch(29) < sch(30) and close(sch(5), 0.9 * 0.5 * (1 + math.cos(math.pi / 2)) + 0.1)


def test_cosine_decay_restarts_period_start_is_exact_despite_rounding():
    # t_mul = 3, D = 10: period 5 starts at 10 * (3**5 - 1) / 2 = 1210, where the plain
    # floor(log(1 - f (1 - t)) / log t) rounds down to 4 (log(243) / log(3) = 4.999...).
    sch = S.CosineDecayRestarts(1.0, 10, t_mul=3.0, m_mul=0.5, alpha=0.1)
    assert close(sch(1210), 0.1 + 0.9 * 0.5**5)
    assert close(sch(1209), _sgdr_closed_form(1209, 1.0, 10, 3.0, 0.5, 0.1))


def test_cosine_decay_restarts_t_mul_1():
    sch = S.CosineDecayRestarts(2.0, 10, t_mul=1.0, m_mul=0.5)
    for step in (0, 5, 10, 25, 37):
        i, f = step // 10, (step % 10) / 10
        assert close(sch(step), 2.0 * 0.5 * 0.5**i * (1 + math.cos(math.pi * f))), step


def test_cosine_decay_restarts_defaults():
    cfg = S.CosineDecayRestarts(0.1, 5).get_config()
    assert (cfg["t_mul"], cfg["m_mul"], cfg["alpha"], cfg["name"]) == (2.0, 1.0, 0.0, "SGDRDecay")


@pytest.mark.parametrize(
    "make, quoted",
    [(lambda: S.ExponentialDecay(0.1, 0, 0.9), "decay_steps=0"),
     (lambda: S.ExponentialDecay(0.1, -5, 0.9), "decay_steps=-5"),
     (lambda: S.ExponentialDecay(0.1, 10, -0.5), "decay_rate=-0.5"),
     (lambda: S.ExponentialDecay(-0.1, 10, 0.5), "initial_learning_rate=-0.1"),
     (lambda: S.InverseTimeDecay(0.1, 0.0, 0.5), "decay_steps=0.0"),
     (lambda: S.PolynomialDecay(0.1, 0), "decay_steps=0"),
     (lambda: S.PolynomialDecay(0.1, 10, power=-1), "power=-1"),
     (lambda: S.CosineDecay(0.1, -1), "decay_steps=-1"),
     (lambda: S.CosineDecay(0.1, 10, alpha=1.5), "alpha=1.5"),
     (lambda: S.CosineDecay(0.1, 10, warmup_steps=-3, warmup_target=1.0), "warmup_steps=-3"),
     (lambda: S.CosineDecayRestarts(0.1, 0), "first_decay_steps=0"),
     (lambda: S.CosineDecayRestarts(0.1, 10, t_mul=0.5), "t_mul=0.5"),
     (lambda: S.CosineDecayRestarts(0.1, 10, m_mul=-1.0), "m_mul=-1.0"),
     (lambda: S.PiecewiseConstantDecay([10, 20], [1.0, 0.5]),
      "boundaries=[10, 20] and values=[1.0, 0.5]"),
     (lambda: S.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]), "[20, 10]"),
     (lambda: S.PiecewiseConstantDecay([10, 10], [1.0, 0.5, 0.1]), "[10, 10]")],
)  # fmt: skip
def test_bad_arguments_quote_the_value(make, quoted):
    with pytest.raises(ValueError, match=re.escape(quoted)):
        make()


def test_as_schedule():
    const = S.as_schedule(0.01)
    assert isinstance(const, S.ConstantSchedule) and const(0) == 0.01 and const(10**6) == 0.01
    sch = S.ExponentialDecay(0.1, 10, 0.5)
    assert S.as_schedule(sch) is sch
    fn = S.as_schedule(lambda step: 0.1 / (1 + step))
    assert fn(3) == 0.025 and type(fn(np.int64(3))) is float
    no_arg = S.as_schedule(lambda: np.float32(0.5))
    assert no_arg(7) == 0.5 and type(no_arg(7)) is float
    with pytest.raises(ValueError, match="'fast'"):
        S.as_schedule("fast")
    with pytest.raises(ValueError, match="None"):
        S.as_schedule(lambda step: None)(0)


@pytest.mark.parametrize(
    "sch",
    [S.ExponentialDecay(0.1, 100, 0.96, staircase=True), S.InverseTimeDecay(0.1, 10, 0.5),
     S.PiecewiseConstantDecay([5, 10], [0.1, 0.01, 0.001]),
     S.PolynomialDecay(0.1, 50, 0.001, power=0.5, cycle=True),
     S.CosineDecay(0.1, 100, alpha=0.05, warmup_target=0.2, warmup_steps=5),
     S.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01), S.ConstantSchedule(0.3)],
    ids=lambda s: type(s).__name__,
)  # fmt: skip
def test_serialize_round_trip(sch):
    cfg = S.serialize(sch)
    assert cfg["class_name"] == type(sch).__name__
    again = S.deserialize(cfg)
    assert type(again) is type(sch) and again.get_config() == sch.get_config()
    assert [again(s) for s in (0, 7, 33, 120)] == [sch(s) for s in (0, 7, 33, 120)]
    assert S.get(cfg).get_config() == sch.get_config()


def test_get():
    sch = S.CosineDecay(0.1, 10)
    assert S.get(sch) is sch and S.get(None) is None
    assert S.get(0.5)(3) == 0.5
    with pytest.raises(ValueError, match="'ExponentialDecay'") as err:
        S.get("ExponentialDecay")
    assert "CosineDecayRestarts" in str(err.value)
    with pytest.raises(ValueError, match="'Nope'") as err:
        S.deserialize({"class_name": "Nope", "config": {}})
    assert "PolynomialDecay" in str(err.value)


def test_plain_function_cannot_be_serialized():
    with pytest.raises(ValueError, match="subclass LearningRateSchedule"):
        S.serialize(S.as_schedule(lambda step: 0.1))


def test_custom_subclass():
    class Halving(S.LearningRateSchedule):
        _config_keys = ("lr0",)

        def __init__(self, lr0):
            self.lr0 = lr0

        def __call__(self, step):
            return self.lr0 * 0.5 ** (step // 10)

    sch = Halving(0.8)
    assert S.as_schedule(sch) is sch and sch(25) == 0.2
    assert Halving.from_config(sch.get_config())(10) == 0.4
