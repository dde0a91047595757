"""Metrics: accuracy resolution and names (docs/keras-reference.md A2), running means, values."""

import math

import numpy as np
import pytest

from scratchdl import metrics as M


@pytest.mark.parametrize(
    "yt_shape,yp_shape,expected",
    [
        ((8, 1), (8, 1), M.BinaryAccuracy),
        ((8,), (8, 1), M.BinaryAccuracy),
        ((8,), (8, 10), M.SparseCategoricalAccuracy),
        ((8, 1), (8, 10), M.SparseCategoricalAccuracy),
        ((8, 10), (8, 10), M.CategoricalAccuracy),
        ((8, 5, 1), (8, 5, 3), M.SparseCategoricalAccuracy),
    ],
)
@pytest.mark.parametrize("name", ["accuracy", "acc", "Accuracy", "ACC"])
def test_accuracy_resolution_keeps_the_name_passed(yt_shape, yp_shape, expected, name):
    m = M.get(name, np.zeros(yt_shape), np.zeros(yp_shape))
    assert type(m) is expected and m.name == name and m.direction == "up"
    assert type(M.resolve(name, yt_shape, yp_shape)) is expected


def test_crossentropy_metric_resolves_like_accuracy():
    assert type(M.get("ce", np.zeros(4), np.zeros((4, 3)))) is M.SparseCategoricalCrossentropy
    assert type(M.get("crossentropy", np.zeros((4, 1)), np.zeros((4, 1)))) is M.BinaryCrossentropy
    m = M.get("crossentropy", np.zeros((4, 3)), np.zeros((4, 3)))
    assert type(m) is M.CategoricalCrossentropy and m.name == "crossentropy"
    assert m.direction == "down"


def test_accuracy_without_shapes_resolves_on_first_batch():
    m = M.get("acc")
    assert m.name == "acc" and m.direction == "up" and m.result() == 0.0
    m.update_state(np.array([2, 0, 1]), np.eye(3)[[2, 1, 1]])
    assert type(m.inner) is M.SparseCategoricalAccuracy and m.result() == pytest.approx(2 / 3)
    m.reset_state()
    assert m.result() == 0.0


def test_binary_accuracy_threshold_and_labels_n_or_n1():
    yp = np.array([[0.7], [0.5], [0.2], [0.9]], dtype=np.float32)
    for yt in (np.array([1, 1, 0, 0]), np.array([[1], [1], [0], [0]])):
        m = M.BinaryAccuracy()
        m.update_state(yt, yp)
        assert m.result() == pytest.approx(0.5)  # 0.5 is not > 0.5
    m = M.BinaryAccuracy(threshold=0.4)
    m.update_state(np.array([1, 1, 0, 0]), yp)
    assert m.result() == pytest.approx(0.75) and isinstance(m.result(), float)


def test_multi_output_binary_accuracy_averages_the_last_axis():
    m = M.BinaryAccuracy()
    m.update_state(np.array([[1, 0], [1, 1]]), np.array([[0.9, 0.8], [0.7, 0.6]]))
    assert m.result() == pytest.approx(0.75)


def test_categorical_and_sparse_accuracy_running_over_batches():
    cat, sparse = M.CategoricalAccuracy(), M.SparseCategoricalAccuracy()
    batches = [(np.array([0, 1, 2]), np.eye(3)[[0, 2, 2]]), (np.array([1]), np.eye(3)[[1]])]
    for k, yp in batches:
        cat.update_state(np.eye(3)[k], yp)
        sparse.update_state(k.astype(np.float32)[:, None], yp)
    assert cat.result() == pytest.approx(3 / 4) and sparse.result() == pytest.approx(3 / 4)


def test_sample_weight_gives_weighted_mean():
    m = M.SparseCategoricalAccuracy()
    m.update_state(
        np.array([0, 1, 2]), np.eye(3)[[0, 2, 2]], sample_weight=np.array([1.0, 3.0, 0.5])
    )
    assert m.result() == pytest.approx(1.5 / 4.5)
    b = M.BinaryAccuracy()
    b.update_state(np.array([1, 0]), np.array([[0.9], [0.8]]), sample_weight=[0.25, 0.75])
    assert b.result() == pytest.approx(0.25)


def test_top_k_accuracy():
    yp = np.array([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5]])
    m = M.TopKCategoricalAccuracy(k=2)
    m.update_state(np.eye(3)[[2, 2, 0]], yp)
    assert m.result() == pytest.approx(1 / 3)
    s = M.SparseTopKCategoricalAccuracy(k=1)
    s.update_state(np.array([1, 0, 0]), yp)
    assert s.result() == pytest.approx(2 / 3)


def test_regression_metrics_over_two_batches():
    rng = np.random.default_rng(3)
    yt, yp = rng.standard_normal((10, 2)), rng.standard_normal((10, 2))
    ms = {k: M.get(k) for k in ("mse", "mae", "rmse", "r2", "mape")}
    for m in ms.values():
        m.update_state(yt[:4], yp[:4])
        m.update_state(yt[4:], yp[4:])
        assert m.direction == ("up" if m.name == "r2" else "down")
    assert ms["mse"].result() == pytest.approx(np.mean((yt - yp) ** 2))
    assert ms["mae"].result() == pytest.approx(np.mean(np.abs(yt - yp)))
    assert ms["rmse"].result() == pytest.approx(math.sqrt(np.mean((yt - yp) ** 2)))
    assert ms["mape"].result() == pytest.approx(100 * np.mean(np.abs(yt - yp) / np.abs(yt)))
    r2_cols = 1 - np.sum((yt - yp) ** 2, axis=0) / np.sum((yt - yt.mean(axis=0)) ** 2, axis=0)
    assert ms["r2"].result() == pytest.approx(np.mean(r2_cols))
    assert ms["mse"].name == "mse" and ms["r2"].name == "r2"


def test_r2_variance_weighted_and_constant_target():
    yt, yp = (
        np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 1.0]]),
        np.array([[1.5, 0.0], [2.0, 0.5], [2.5, 1.0]]),
    )
    m = M.R2Score(class_aggregation="variance_weighted_average")
    m.update_state(yt, yp)
    ss_res, ss_tot = np.sum((yt - yp) ** 2, axis=0), np.sum((yt - yt.mean(0)) ** 2, axis=0)
    assert m.result() == pytest.approx(np.sum((1 - ss_res / ss_tot) * ss_tot) / np.sum(ss_tot))
    const = M.R2Score()
    const.update_state([2.0, 2.0], [1.0, 3.0])
    assert const.result() == 0.0


def test_precision_and_recall():
    yt, yp = np.array([[1], [0], [1], [1]]), np.array([[0.9], [0.8], [0.2], [0.6]])
    p, r = M.Precision(), M.Recall()
    p.update_state(yt, yp)
    r.update_state(yt, yp)
    assert p.result() == pytest.approx(2 / 3) and r.result() == pytest.approx(2 / 3)
    r.update_state(np.array([[1]]), np.array([[0.1]]))
    assert r.result() == pytest.approx(2 / 4)


def test_mean_is_batch_size_weighted_loss_tracker():
    m = M.Mean(name="loss")
    m.update_state(0.5, sample_weight=32)
    m.update_state(2.0, sample_weight=8)
    assert m.result() == pytest.approx((0.5 * 32 + 2.0 * 8) / 40) and m.direction == "down"
    m.reset_state()
    assert m.result() == 0.0


def test_float32_batches_give_python_floats():
    m = M.get("accuracy", np.zeros(5), np.zeros((5, 3), dtype=np.float32))
    m.update_state(np.arange(5) % 3, np.eye(3, dtype=np.float32)[np.arange(5) % 3])
    assert type(m.result()) is float and m.result() == 1.0


def test_get_names_callables_and_errors():
    assert type(M.get("binary_accuracy")) is M.BinaryAccuracy
    assert type(M.get("CategoricalAccuracy")) is M.CategoricalAccuracy
    assert M.get("mae").name == "mae" and M.get("mean_absolute_error").name == "mean_absolute_error"
    auc_like = M.get(lambda yt, yp: np.abs(yt - yp).sum(axis=-1))
    auc_like.update_state(np.ones((2, 2)), np.zeros((2, 2)))
    assert auc_like.result() == pytest.approx(2.0) and auc_like.name == "<lambda>"
    inst = M.Recall()
    assert M.get(inst) is inst
    with pytest.raises(ValueError, match=r"Unknown metric: 'accuracyy'\. Valid names: .*'acc'"):
        M.get("accuracyy")
    with pytest.raises(
        ValueError, match=r"shape \(4, 2\) do not fit predictions of shape \(4, 3\)"
    ):
        M.SparseCategoricalAccuracy().update_state(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="received 'median'"):
        M.R2Score(class_aggregation="median")
