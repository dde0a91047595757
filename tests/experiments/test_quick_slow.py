"""The longer experiments in --quick mode (each 10-40 s on a shared 2-core machine)."""

import pytest

from tests.experiments.helpers import check_outputs, run_quick, verdicts

pytestmark = pytest.mark.slow


def test_weight_init_accuracy_quick(tmp_path, capsys):
    result, printed = run_quick("weight-init-accuracy", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["accuracy.png", "book_loss.png"])
    assert set(record["data"]["two_layer"]) == {"0.0001", "0.01", "10000"}
    # std 0.01 in a 4x100 ReLU net does not learn in any number of steps the quick run takes
    assert verdicts(result)["book 4x100 init 0.01: loss near iteration 1900"] == "reproduced"
    assert len(record["data"]["book_loss"]["he"]) == 300


def test_batchnorm_quick(tmp_path, capsys):
    result, printed = run_quick("batchnorm", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["keras_curves.png", "book_grid.png"])
    assert verdicts(result)["BN - no BN (test accuracy)"] == "reproduced"
    assert len(record["data"]["book"]) == 3
    assert all(len(acc["bn"]) == 8 for acc in record["data"]["book"].values())


def test_activations_optimizers_quick(tmp_path, capsys):
    result, printed = run_quick("activations-optimizers", tmp_path, capsys=capsys)
    figures = ["keras_curves.png", "book_mnist_loss.png", "optimizer_paths.png"]
    record = check_outputs(result, tmp_path, printed, figures)
    v = verdicts(result)
    restarts = record["data"]["relu_sgd_restarts"]
    assert len(restarts) == 3
    failed = sum(v == "nan" or v >= 2.0 for v in restarts)
    row = "relu+SGD (lr 0.01), raw pixels: fresh inits that diverge or stall in epoch 1"
    assert next(r.ours for r in result.rows if r.quantity == row) == f"{failed} of 3"
    assert v[row] == ("reproduced" if 2 * failed >= 3 else "not reproduced")
    assert v["f(x,y): sign changes of y on SGD's path"] == "reproduced"
    paths = record["data"]["paths"]
    assert paths["SGD"]["x"][0] == -7.0 and paths["SGD"]["y"][0] == 2.0
    assert all(len(p["x"]) == 30 for p in paths.values())
    # divergence is reported as such, not as a number
    assert result.rows[0].ours.startswith(("diverged (loss nan at epoch ", "val acc "))


def test_overfitting_quick(tmp_path, capsys):
    result, printed = run_quick("overfitting", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["accuracy.png"])
    assert set(record["data"]) == {"baseline", "weight_decay", "dropout"}
    assert len(record["data"]["baseline"]["train_acc"]) == 30
    assert len(result.rows) == 9


def test_hparam_search_quick(tmp_path, capsys):
    result, printed = run_quick("hparam-search", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["top20.png", "lr_vs_acc.png"])
    trials = record["data"]["ranked_trials"]
    assert len(trials) == 12
    assert [t["value"] for t in trials] == sorted((t["value"] for t in trials), reverse=True)
    assert all(1e-6 <= t["lr"] <= 1e-2 and 1e-8 <= t["weight_decay"] <= 1e-4 for t in trials)
    assert record["data"]["book_table"][0].startswith("Best-1(val acc:")


def test_regularizers_quick(tmp_path, capsys):
    result, printed = run_quick("regularizers", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["curves.png", "test_loss.png"])
    assert list(record["data"]) == ["dropout", "l1", "l2", "max_norm", "none"]  # sorted keys
    for r in record["data"].values():
        assert r["gap"] == pytest.approx(r["train_acc"] - r["test_acc"], abs=1e-5)
        losses = r["test_loss"]
        assert len(losses) == 10 and r["best_epoch"] == losses.index(min(losses)) + 1
        assert r["rise"] == pytest.approx(losses[-1] - min(losses), abs=1e-5)
