"""Losses: gradient checks (plain, weighted, smoothed, from_logits, fused), Keras numbers (A5)."""

import math

import numpy as np
import pytest

from scratchdl import losses as L
from scratchdl.activations import Sigmoid, Softmax
from scratchdl.gradcheck import GradCheckResult, check_loss, numerical_gradient

SEED = 7


def _away(x, points, margin=0.05):
    """Move entries of x within ``margin`` of any kink point away from it."""
    for p in points:
        x = np.where(np.abs(x - p) < margin, x + 3 * margin, x)
    return x


def _one_hot(k, C):
    return np.eye(C)[k]


def _case(name, rng):
    """(loss, y_pred, y_true) with inputs away from kinks and clipping, for a random shape."""
    N, D = int(rng.integers(2, 7)), int(rng.integers(1, 6))
    C = max(D, 2)
    normal = rng.standard_normal((N, D))
    target = rng.standard_normal((N, D))
    k = rng.integers(0, C, size=N)
    soft = rng.dirichlet(np.ones(C), size=N)
    u, bits, onehot = rng.uniform, rng.integers(0, 2, (N, D)), _one_hot(k, C)
    probs, logits = u(0.05, 0.95, (N, D)), rng.standard_normal((N, C))
    cases = {
        "mse": (L.MeanSquaredError(), normal, target),
        "mae": (L.MeanAbsoluteError(), target + _away(normal, [0.0]), target),
        "rmse": (L.RootMeanSquaredError(), normal, target),
        "mape": (L.MeanAbsolutePercentageError(), target + _away(normal, [0.0]), target),
        "msle": (L.MeanSquaredLogarithmicError(), u(0.1, 3, (N, D)), u(0, 3, (N, D))),
        "huber": (L.Huber(delta=0.8), target + _away(normal, [-0.8, 0.8]), target),
        "log_cosh": (L.LogCosh(), normal, target),
        "kld": (L.KLDivergence(), u(0.05, 0.95, (N, C)), soft),
        "poisson": (L.Poisson(), u(0.2, 3, (N, D)), rng.poisson(1.0, (N, D)).astype(float)),
        "hinge": (L.Hinge(), _away(normal, [-1.0, 1.0]), bits),
        "squared_hinge": (L.SquaredHinge(), normal, rng.choice([-1.0, 1.0], (N, D))),
        "categorical_hinge": (L.CategoricalHinge(), logits, onehot),
        "cosine": (L.CosineSimilarity(), logits, rng.standard_normal((N, C))),
        "bce": (L.BinaryCrossentropy(), probs, bits),
        "bce_soft_smooth": (L.BinaryCrossentropy(label_smoothing=0.2), probs, u(0, 1, (N, D))),
        "bce_logits": (
            L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
            3 * normal,
            bits,
        ),
        "cce": (L.CategoricalCrossentropy(), u(0.1, 1.0, (N, C)), onehot),
        "cce_smooth": (L.CategoricalCrossentropy(label_smoothing=0.3), u(0.1, 1.0, (N, C)), soft),
        "cce_logits": (
            L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
            logits,
            onehot,
        ),
        "scce": (L.SparseCategoricalCrossentropy(), u(0.1, 1.0, (N, C)), k),
        "scce_logits": (
            L.SparseCategoricalCrossentropy(from_logits=True),
            2 * logits,
            k[:, None] * 1.0,
        ),
    }
    return cases[name]


CASES = ["mse", "mae", "rmse", "mape", "msle", "huber", "log_cosh", "kld", "poisson", "hinge",
         "squared_hinge", "categorical_hinge", "cosine", "bce", "bce_soft_smooth", "bce_logits",
         "cce", "cce_smooth", "cce_logits", "scce", "scce_logits"]  # fmt: skip


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_backward_matches_numerical_gradient(name, weighted):
    rng = np.random.default_rng([SEED, CASES.index(name), weighted])
    for _ in range(2):
        loss, yp, yt = _case(name, rng)
        w = rng.uniform(0.1, 2.0, size=yp.shape[0]) if weighted else None
        check_loss(loss, yp, yt, sample_weight=w).assert_ok()


@pytest.mark.parametrize("reduction", ["sum", "mean_with_sample_weight", "auto"])
def test_backward_for_every_reduction(reduction):
    rng = np.random.default_rng(SEED)
    loss = L.CategoricalCrossentropy(reduction=reduction)
    _, yp, yt = _case("cce", rng)
    w = rng.uniform(0.1, 2.0, size=(yp.shape[0], 1))
    check_loss(loss, yp, yt, sample_weight=w).assert_ok()


def test_reduction_none_returns_per_sample_and_gradient_of_their_sum():
    rng = np.random.default_rng(SEED)
    loss, yp, yt = _case("bce", rng)
    loss = L.BinaryCrossentropy(reduction="none")
    w = rng.uniform(0.1, 2.0, size=yp.shape[0])
    values = loss.forward(yp, yt, sample_weight=w)
    assert values.shape == (yp.shape[0],)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: np.sum(loss.forward(yp, yt, sample_weight=w)), yp, 1e-6)
    res = GradCheckResult("bce none")
    res.add("y_pred", analytic, numeric)
    res.assert_ok()


def _fused_check(loss, act, z, t, w):
    """fused_backward == numerical d loss(act(z)) / dz, and == the unfused chain rule."""
    loss.forward(act.forward(z), t, sample_weight=w)
    fused = loss.fused_backward()
    p = act.forward(z)
    loss.forward(p, t, sample_weight=w)
    unfused = act.backward(loss.backward(), z, p)
    numeric = numerical_gradient(lambda: loss.forward(act.forward(z), t, sample_weight=w), z, 1e-6)
    res = GradCheckResult(f"fused {loss.name}")
    res.add("z (fused)", fused, numeric)
    res.add("z (unfused)", unfused, numeric)
    return res.assert_ok()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_fused_softmax_crossentropy(weighted, smoothing):
    rng = np.random.default_rng([SEED, weighted, int(smoothing * 100)])
    for _ in range(3):
        N, C = int(rng.integers(2, 7)), int(rng.integers(2, 6))
        z, k = rng.standard_normal((N, C)), rng.integers(0, C, size=N)
        w = rng.uniform(0.1, 2.0, size=N) if weighted else None
        p = Softmax().forward(z)
        assert p.min() > 1e-5  # the 1e-7 clipping is not active in this check
        _fused_check(
            L.CategoricalCrossentropy(label_smoothing=smoothing), Softmax(), z, _one_hot(k, C), w
        )
        if smoothing == 0.0:
            _fused_check(L.SparseCategoricalCrossentropy(), Softmax(), z, k, w)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_fused_sigmoid_binary_crossentropy(weighted, smoothing):
    rng = np.random.default_rng([SEED, 11, weighted, int(smoothing * 100)])
    for _ in range(3):
        N, D = int(rng.integers(2, 7)), int(rng.integers(1, 4))
        z, t = 2 * rng.standard_normal((N, D)), rng.integers(0, 2, (N, D))
        w = rng.uniform(0.1, 2.0, size=N) if weighted else None
        _fused_check(L.BinaryCrossentropy(label_smoothing=smoothing), Sigmoid(), z, t, w)


def test_fused_rule_is_p_minus_t_times_w_over_n():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    loss = L.SparseCategoricalCrossentropy()
    loss.forward(p, np.array([0, 1]), sample_weight=np.array([1.0, 3.0]))
    np.testing.assert_allclose(loss.fused_backward(), [[-0.15, 0.1, 0.05], [0.15, -1.35, 1.2]])
    assert L.CategoricalCrossentropy(from_logits=True).fuses_with is None
    with pytest.raises(ValueError, match="no fused activation"):
        L.MeanSquaredError().fused_backward()


def test_clipping_value_is_1e_minus_7():
    cce = L.CategoricalCrossentropy()
    assert cce([[1.0, 0.0]], [[0.0, 1.0]]) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert cce([[1.0, 0.0]], [[1.0, 0.0]]) == pytest.approx(-math.log(1 - 1e-7), rel=1e-9)
    scce = L.SparseCategoricalCrossentropy()
    assert scce([1], [[1.0, 0.0]]) == pytest.approx(-math.log(1e-7), rel=1e-12)
    bce = L.BinaryCrossentropy()
    assert bce([[1.0]], [[0.0]]) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert bce([[0.0]], [[1.0]]) == pytest.approx(-math.log(1e-7), rel=1e-6)
    assert np.all(bce.backward() == 0)  # clipped: no gradient, as the clip's derivative


def test_keras_documented_values():
    yt, yp = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert L.MeanSquaredError()(yt, yp) == pytest.approx(0.5)
    assert L.MeanSquaredError()(yt, yp, sample_weight=[0.7, 0.3]) == pytest.approx(0.25)
    assert L.MeanSquaredError(reduction="sum")(yt, yp) == pytest.approx(1.0)
    np.testing.assert_allclose(L.MeanSquaredError(reduction="none")(yt, yp), [0.5, 0.5])
    yt3, yp3 = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    assert L.CategoricalCrossentropy()(yt3, yp3) == pytest.approx(1.177, abs=5e-4)
    assert L.CategoricalCrossentropy()(yt3, yp3, sample_weight=[0.3, 0.7]) == pytest.approx(
        0.814, abs=5e-4
    )
    assert L.SparseCategoricalCrossentropy()([1, 2], yp3) == pytest.approx(1.177, abs=5e-4)
    bce_yt, bce_yp = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    assert L.BinaryCrossentropy()(bce_yt, bce_yp) == pytest.approx(0.815, abs=5e-4)
    assert L.BinaryCrossentropy()(bce_yt, bce_yp, sample_weight=[1, 0]) == pytest.approx(
        0.458, abs=5e-4
    )


def test_sample_weight_divides_by_n_not_by_sum_of_weights():
    yt, yp, w = (
        np.array([[1.0], [2.0], [3.0]]),
        np.array([[2.0], [4.0], [0.0]]),
        np.array([0.5, 0.0, 2.0]),
    )
    per_sample = np.array([1.0, 4.0, 9.0])
    assert L.MeanSquaredError()(yt, yp, sample_weight=w) == pytest.approx(
        np.sum(w * per_sample) / 3
    )
    assert L.MeanSquaredError(reduction="mean_with_sample_weight")(
        yt, yp, sample_weight=w
    ) == pytest.approx(np.sum(w * per_sample) / np.sum(w))


def test_label_smoothing_formulas():
    p = 0.7
    assert L.BinaryCrossentropy(label_smoothing=0.2)([[1.0]], [[p]]) == pytest.approx(
        -(0.9 * math.log(p) + 0.1 * math.log(1 - p))
    )
    yp = np.array([[0.2, 0.5, 0.3]])
    t = np.array([0.0, 1.0, 0.0]) * (1 - 0.3) + 0.3 / 3
    assert L.CategoricalCrossentropy(label_smoothing=0.3)([[0, 1, 0]], yp) == pytest.approx(
        -np.sum(t * np.log(yp))
    )


def test_from_logits_is_stable_and_equals_probability_form():
    z = np.array([[2.0, -1.0, 0.5]])
    p = Softmax().forward(z)
    assert L.CategoricalCrossentropy(from_logits=True)([[0, 0, 1]], z) == pytest.approx(
        -math.log(p[0, 2])
    )
    big = np.array([[1000.0, -1000.0]])
    assert L.SparseCategoricalCrossentropy(from_logits=True)([1], big) == pytest.approx(2000.0)
    assert L.BinaryCrossentropy(from_logits=True)([[0.0, 1.0]], big) == pytest.approx(1000.0)


def test_sparse_labels_shapes_and_float_integral_labels():
    yp = np.array([[0.2, 0.8], [0.6, 0.4]])
    a = L.SparseCategoricalCrossentropy()([1, 0], yp)
    assert L.SparseCategoricalCrossentropy()([[1], [0]], yp) == a
    assert L.SparseCategoricalCrossentropy()(np.array([1.0, 0.0]), yp) == a
    assert L.SparseCategoricalCrossentropy()(np.array([1, 0], dtype=np.uint8), yp) == a


@pytest.mark.parametrize(
    "make,yt,message",
    [
        (L.SparseCategoricalCrossentropy, [0, 3], r"label 3 is out of range for 3 classes"),
        (L.SparseCategoricalCrossentropy, [-1, 0], r"label -1 is out of range for 3 classes"),
        (L.SparseCategoricalCrossentropy, [0.5, 1.0], r"integer class ids, received 0.5"),
        (L.SparseCategoricalCrossentropy, np.eye(3)[[0, 1]], "use categorical_crossentropy"),
        (L.CategoricalCrossentropy, [0, 2], "use sparse_categorical_crossentropy"),
        (L.CategoricalCrossentropy, [[0], [2]], "use sparse_categorical_crossentropy"),
        (L.MeanSquaredError, np.zeros((2, 2)), r"y_true shape \(2, 2\).*y_pred shape \(2, 3\)"),
        (L.BinaryCrossentropy, np.zeros((6,)), r"y_true shape \(6,\).*\(2, 3\)"),
    ],
)
def test_bad_labels_raise_value_error_quoting_values(make, yt, message):
    with pytest.raises(ValueError, match=message):
        make()(yt, np.full((2, 3), 1 / 3))


def test_trailing_one_is_squeezed_or_expanded():
    yp = np.array([[1.0], [3.0]])
    assert L.MeanSquaredError()([1.0, 2.0], yp) == pytest.approx(0.5)
    assert L.MeanSquaredError()([[[1.0]], [[2.0]]], yp) == pytest.approx(0.5)
    assert L.BinaryCrossentropy()([1, 0], np.array([[0.8], [0.3]])) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )


@pytest.mark.parametrize("name", CASES)
def test_float32_stays_float32(name):
    loss, yp, yt = _case(name, np.random.default_rng(SEED))
    value = loss.forward(yp.astype(np.float32), yt, sample_weight=np.ones(yp.shape[0]))
    assert isinstance(value, float)
    assert loss.backward().dtype == np.float32
    if loss.fuses_with:
        assert loss.fused_backward().dtype == np.float32


def test_mae_subgradient_is_zero_at_zero_and_rmse_is_sqrt_mse():
    mae = L.MeanAbsoluteError()
    mae.forward(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]]))
    np.testing.assert_array_equal(mae.backward(), [[0.0, 0.5]])
    yt, yp = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert L.RootMeanSquaredError()(yt, yp) == pytest.approx(math.sqrt(0.5))
    rmse = L.RootMeanSquaredError()
    rmse.forward(np.ones((2, 2)), np.ones((2, 2)))
    np.testing.assert_array_equal(rmse.backward(), np.zeros((2, 2)))


def test_hinge_turns_binary_labels_into_plus_minus_one():
    assert L.Hinge()([[0.0, 1.0]], [[0.5, 0.5]]) == pytest.approx((1.5 + 0.5) / 2)
    assert L.Hinge()([[-1.0, 1.0]], [[0.5, 0.5]]) == pytest.approx((1.5 + 0.5) / 2)


def test_get_strings_are_case_sensitive_with_keras_aliases():
    expected = {"mse": L.MeanSquaredError, "MSE": L.MeanSquaredError, "mae": L.MeanAbsoluteError,
                "bce": L.BinaryCrossentropy, "kld": L.KLDivergence, "logcosh": L.LogCosh,
                "huber_loss": L.Huber, "CategoricalCrossentropy": L.CategoricalCrossentropy,
                "sparse_categorical_crossentropy": L.SparseCategoricalCrossentropy}  # fmt: skip
    for s, cls in expected.items():
        assert type(L.get(s)) is cls
    with pytest.raises(
        ValueError, match=r"Could not interpret loss identifier: Mse\. Valid names: .*'mse'"
    ):
        L.get("Mse")


def test_get_functions_instances_configs_and_callables():
    inst = L.BinaryCrossentropy(from_logits=True)
    assert L.get(inst) is inst and L.get(None) is None
    assert type(L.get(L.mean_squared_error)) is L.MeanSquaredError
    assert type(L.get(L.sparse_categorical_crossentropy)) is L.SparseCategoricalCrossentropy
    config = {"class_name": "BinaryCrossentropy", "config": inst.get_config()}
    again = L.get(config)
    assert again.from_logits and again.fuses_with is None
    custom = L.get(lambda yt, yp: np.mean(np.abs(yt - yp), axis=-1))
    assert custom([[1.0]], [[3.0]]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="returned ndarray, not a tensor"):
        custom.backward()  # NumPy math leaves no record on the tape: said, not guessed


def test_module_functions_return_per_sample_values_in_keras_order():
    np.testing.assert_allclose(
        L.mse([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]), [0.5, 0.5]
    )
    out = L.sparse_categorical_crossentropy([1], [[1.0, 2.0]], from_logits=True)
    np.testing.assert_allclose(out, [math.log1p(math.exp(-1.0))])


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda: L.MeanSquaredError(reduction="avg"), "reduction must be one of .* received 'avg'"),
        (lambda: L.BinaryCrossentropy(label_smoothing=1.5), "label_smoothing=1.5"),
        (lambda: L.CategoricalCrossentropy(axis=1), "axis=1"),
        (lambda: L.RootMeanSquaredError(reduction="sum"), "received 'sum'"),
    ],
)
def test_bad_arguments_quote_the_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()
