"""Book optimizers on parameters held as numbers, as ``ch06/optimizer_compare_naive.py`` does.

The book's script keeps ``params = {"x": -7.0, "y": 2.0}`` (Python floats) and its
optimizers do ``params[key] -= ...``, which replaces each entry.  The first two steps on
f(x, y) = x**2/20 + y**2 (gradient (x/10, 2y)) from (-7, 2) are written out here by hand
with the book's formulas (docs/book.md a.5).
"""

import math

import numpy as np
import pytest

from scratchdl.book.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

EPS = 1e-7


def grad_f(params):
    return {"x": params["x"] / 10.0, "y": 2.0 * params["y"]}


def two_steps(optimizer, params):
    path = []
    for _ in range(2):
        optimizer.update(params, grad_f(params))
        path.append((params["x"], params["y"]))
    return path


def test_sgd_two_steps_by_hand():
    params = {"x": -7.0, "y": 2.0}
    path = two_steps(SGD(lr=0.95), params)
    # x1 = -7 - 0.95 * (-0.7);  y1 = 2 - 0.95 * 4
    assert path[0] == pytest.approx((-6.335, -1.8), abs=1e-12)
    # x2 = -6.335 - 0.95 * (-0.6335);  y2 = -1.8 - 0.95 * (-3.6)
    assert path[1] == pytest.approx((-5.733175, 1.62), abs=1e-12)
    assert type(params["x"]) is float and type(params["y"]) is float


def test_momentum_two_steps_by_hand():
    params = {"x": -7.0, "y": 2.0}
    path = two_steps(Momentum(lr=0.1), params)
    # v1 = -0.1 * (-0.7, 4) = (0.07, -0.4)
    assert path[0] == pytest.approx((-6.93, 1.6), abs=1e-12)
    # v2 = 0.9 * (0.07, -0.4) - 0.1 * (-0.693, 3.2) = (0.1323, -0.68)
    assert path[1] == pytest.approx((-6.7977, 0.92), abs=1e-12)


def test_adagrad_two_steps_by_hand():
    params = {"x": -7.0, "y": 2.0}
    path = two_steps(AdaGrad(lr=1.5), params)
    x1 = -7.0 + 1.5 * 0.7 / (0.7 + EPS)  # h = 0.49
    y1 = 2.0 - 1.5 * 4.0 / (4.0 + EPS)  # h = 16
    assert path[0] == pytest.approx((x1, y1), abs=1e-12)
    assert x1 == pytest.approx(-5.5, abs=1e-6) and y1 == pytest.approx(0.5, abs=1e-6)
    gx, gy = x1 / 10, 2 * y1
    x2 = x1 - 1.5 * gx / (math.sqrt(0.49 + gx * gx) + EPS)
    y2 = y1 - 1.5 * gy / (math.sqrt(16.0 + gy * gy) + EPS)
    assert path[1] == pytest.approx((x2, y2), abs=1e-12)


def test_adam_two_steps_by_hand():
    params = {"x": -7.0, "y": 2.0}
    path = two_steps(Adam(lr=0.3), params)
    lr_t1 = 0.3 * math.sqrt(1 - 0.999) / (1 - 0.9)
    x1 = -7.0 - lr_t1 * (0.1 * -0.7) / (math.sqrt(0.001 * 0.49) + EPS)
    y1 = 2.0 - lr_t1 * (0.1 * 4.0) / (math.sqrt(0.001 * 16.0) + EPS)
    assert path[0] == pytest.approx((x1, y1), abs=1e-12)
    assert x1 == pytest.approx(-6.7, abs=1e-5) and y1 == pytest.approx(1.7, abs=1e-5)
    lr_t2 = 0.3 * math.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    gx, gy = x1 / 10, 2 * y1
    mx, my = 0.9 * (0.1 * -0.7) + 0.1 * gx, 0.9 * (0.1 * 4.0) + 0.1 * gy
    vx, vy = 0.999 * (0.001 * 0.49) + 0.001 * gx**2, 0.999 * (0.001 * 16) + 0.001 * gy**2
    x2 = x1 - lr_t2 * mx / (math.sqrt(vx) + EPS)
    y2 = y1 - lr_t2 * my / (math.sqrt(vy) + EPS)
    assert path[1] == pytest.approx((x2, y2), abs=1e-12)


# the script's four optimizers and learning rates
NAIVE = [(SGD, 0.95), (Momentum, 0.1), (AdaGrad, 1.5), (Adam, 0.3)]


def book_path(cls, lr, start, steps=30):
    """The script's loop on whatever ``start`` holds (floats, NumPy scalars or arrays)."""
    params = dict(start)
    xs, ys = [], []
    optimizer = cls(lr=lr)
    for _ in range(steps):
        xs.append(float(np.asarray(params["x"]).ravel()[0]))
        ys.append(float(np.asarray(params["y"]).ravel()[0]))
        optimizer.update(params, grad_f(params))
    return np.array(xs), np.array(ys), params


@pytest.mark.parametrize("cls, lr", NAIVE, ids=[c.__name__ for c, _ in NAIVE])
def test_naive_paths_move_and_agree_for_floats_scalars_and_arrays(cls, lr):
    fx, fy, fparams = book_path(cls, lr, {"x": -7.0, "y": 2.0})
    sx, sy, sparams = book_path(cls, lr, {"x": np.float64(-7.0), "y": np.float64(2.0)})
    ax, ay, _ = book_path(cls, lr, {"x": np.array([-7.0]), "y": np.array([2.0])})
    assert np.ptp(fx) > 1.0  # the path moves (the blank-figure bug left it at -7)
    assert abs(fx[-1]) < 7.0 and abs(fparams["x"]) < abs(fx[0])
    np.testing.assert_array_equal(fx, ax)
    np.testing.assert_array_equal(fy, ay)
    np.testing.assert_array_equal(sx, ax)
    assert type(fparams["x"]) is float and type(sparams["x"]) is np.float64


def test_sgd_path_zigzags_in_y_as_in_the_book():
    _, ys, _ = book_path(SGD, 0.95, {"x": -7.0, "y": 2.0})
    # y <- y - 0.95 * 2y = -0.9 y: the sign flips every step
    np.testing.assert_allclose(ys[:4], [2.0, -1.8, 1.62, -1.458], rtol=1e-12)


def test_float32_scalar_keeps_its_type():
    params = {"x": np.float32(-7.0)}
    SGD(lr=0.5).update(params, {"x": np.float32(-0.7)})
    assert type(params["x"]) is np.float32
    assert params["x"] == pytest.approx(-6.65, abs=1e-6)


def test_python_int_becomes_the_updated_float():
    params = {"x": 3}
    Momentum(lr=0.5).update(params, {"x": 1.0})
    assert params["x"] == pytest.approx(2.5) and type(params["x"]) is float


@pytest.mark.parametrize("cls", [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam])
@pytest.mark.parametrize(
    "bad, message",
    [
        ([1.0, 2.0], "must be a float NumPy array or a real number"),
        ("1.0", "must be a float NumPy array or a real number"),
        (True, "must be a float NumPy array or a real number"),
        (np.array([1, 2]), "cannot hold the update in place"),
    ],
)
def test_other_parameter_types_raise_naming_the_key(cls, bad, message):
    with pytest.raises(TypeError, match=message) as info:
        cls().update({"w": bad}, {"w": np.ones(2)})
    assert "'w'" in str(info.value)


def test_missing_gradient_names_the_key():
    with pytest.raises(KeyError, match="no entry 'b'"):
        SGD().update({"a": 1.0, "b": 2.0}, {"a": 1.0})
