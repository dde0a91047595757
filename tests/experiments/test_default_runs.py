"""The default (faithful) setups reproduce the published results within tolerance.

weight-init-histograms is cheap and always runs; the others take minutes each and are
marked slow.  The same runs, with figures: ``scratchdl run NAME`` (see docs/experiments.md).
"""

import numpy as np
import pytest

from scratchdl.lab.experiments import load, make_config
from tests.experiments.helpers import verdicts


def _run(name, seed=0):
    result = load(name).run(make_config(name), np.random.default_rng(seed))
    checked = {q: v for q, v in verdicts(result).items() if v != "no published number"}
    return result, checked


def test_weight_init_histograms_default_reproduces_seed_004(capsys):
    result, checked = _run("weight-init-histograms")
    assert checked and set(checked.values()) == {"reproduced"}, checked
    stds = result.data["seed_net"]["tanh/xavier"]["std"]
    assert stds[0] == pytest.approx(0.63, abs=0.03) and stds[9] == pytest.approx(0.23, abs=0.03)
    assert max(result.data["seed_net"]["tanh/0.01"]["std"][3:]) < 0.01
    he = result.data["seed_net"]["relu/he"]["std"]
    assert max(he) / min(he) < 2


@pytest.mark.slow
def test_overfitting_default_reproduces_the_gaps(capsys):
    result, checked = _run("overfitting")
    assert checked["baseline: train - test gap"] == "reproduced"  # gap >= 0.2
    assert checked["weight_decay: train - test gap"] == "reproduced"  # smaller than baseline
    assert checked["dropout: train - test gap"] == "reproduced"
    assert result.data["baseline"]["train_acc"][-1] >= 0.98


@pytest.mark.slow
def test_hparam_search_default_top_trials_have_lr_between_1e3_and_1e2(capsys):
    result, checked = _run("hparam-search")
    assert checked["top-5 trials with lr in [1e-3, 1e-2]"] == "reproduced"
    assert checked["Best-1 validation accuracy"] == "reproduced"


@pytest.mark.slow
def test_early_stopping_default_stops_patience_epochs_after_the_best(capsys, tmp_path):
    config = make_config("early-stopping")
    import dataclasses

    config = dataclasses.replace(config, checkpoint_dir=str(tmp_path))
    result = load("early-stopping").run(config, np.random.default_rng(0))
    v = verdicts(result)
    assert v["stopping epoch"] == "reproduced"
    assert v["best val accuracy"] == "reproduced"  # 0.97 +- 0.02
    assert v["reloaded best model: val accuracy"] == "reproduced"
