"""The fastest experiments in --quick mode, and the same seed giving the same result.json."""

import dataclasses

import numpy as np

from scratchdl.lab.experiments import weight_init_histograms as wih
from tests.experiments.helpers import check_outputs, run_quick, verdicts


def test_weight_init_histograms_quick(tmp_path, capsys):
    result, printed = run_quick("weight-init-histograms", tmp_path, capsys=capsys)
    figures = ["layer_stats.png", "hist_tanh.png", "hist_relu.png", "hist_book_sigmoid.png",
               "hist_book_relu.png"]  # fmt: skip
    record = check_outputs(result, tmp_path, printed, figures)
    checks = [r for r in result.rows if r.verdict != "no published number"]
    assert len(checks) == 6 and all(r.verdict == "reproduced" for r in checks)
    assert len(record["data"]["seed_net"]["tanh/xavier"]["std"]) == 10
    assert set(record["data"]["book"]) == {
        "sigmoid/1.0", "sigmoid/0.01", "sigmoid/xavier", "relu/0.01", "relu/xavier", "relu/he",
    }  # fmt: skip


def test_weight_init_histograms_rows_follow_the_numbers():
    """The verdicts come from the measured stds: a fake flat Xavier net is 'not reproduced'."""
    flat = {"std": [0.63] * 10, "mean": [0.0] * 10}
    rows = {r.quantity: r.verdict for r in wih._rows({"tanh/xavier": flat, "relu/xavier": flat})}
    assert rows["tanh + Xavier: std of layer 1"] == "reproduced"
    assert rows["tanh + Xavier: std of layer 10"] == "not reproduced"
    assert rows["ReLU + Xavier: last / first layer std"] == "not reproduced"


def test_he_is_sqrt_2_over_fan_in_and_xavier_sqrt_1_over_fan_in():
    assert wih.init_scale("he", 500) == np.sqrt(2 / 500)
    assert wih.init_scale("xavier", 500) == np.sqrt(1 / 500)
    assert wih.init_scale("0.01", 500) == 0.01


def test_same_seed_same_result_json_numpy_experiment(tmp_path, capsys):
    config = dataclasses.replace(wih.Config(), n_samples=50, width=40, n_layers=4)
    texts = []
    from scratchdl.lab.experiments.report import result_json

    for seed in (3, 3, 4):
        result = wih.run(config, np.random.default_rng(seed))
        result.seed = seed
        texts.append(result_json(result))
    assert texts[0] == texts[1]
    assert texts[0] != texts[2].replace('"seed": 4', '"seed": 3')


def test_lr_schedules_quick_same_seed_byte_identical(tmp_path, capsys):
    a, printed = run_quick("lr-schedules", tmp_path / "a", seed=5, capsys=capsys)
    check_outputs(a, tmp_path / "a", printed, ["learning_rates.png", "accuracy.png"])
    formula_rows = [r for r in a.rows if "vs the formula" in r.quantity]
    assert len(formula_rows) == 4 and all(r.verdict == "reproduced" for r in formula_rows)
    run_quick("lr-schedules", tmp_path / "b", seed=5)
    first = (tmp_path / "a" / "result.json").read_bytes()
    assert first == (tmp_path / "b" / "result.json").read_bytes()


def test_early_stopping_quick(tmp_path, capsys):
    result, printed = run_quick("early-stopping", tmp_path, capsys=capsys)
    record = check_outputs(result, tmp_path, printed, ["curves.png"])
    v = verdicts(result)
    assert v["stopping epoch"] == "reproduced"
    assert v["reloaded best model: val accuracy"] == "reproduced"
    files = sorted(p.name for p in (tmp_path / "checkpoints").glob("dm_*.hdf5"))
    assert files == record["data"]["files"] and record["data"]["best_file"] in files
    assert "checkpoint_dir" not in record["config"]  # no paths in result.json
    assert str(tmp_path) not in (tmp_path / "result.json").read_text()
