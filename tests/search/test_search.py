"""One process: space, reporter, shared budget, pruning, seeds, the book's table and figure."""

from __future__ import annotations

import math

import numpy as np
import optuna
import pytest

from scratchdl.lab.search import (
    BOOK_SPACE,
    CategoricalParam,
    FloatParam,
    Reporter,
    SearchResult,
    TrialObjective,
    TrialRecord,
    format_params,
    random_search,
    storage_url,
)
from scratchdl.lab.search.objective import BudgetFilledError
from tests.search.objectives import bowl, logistic

FINISHED = ("COMPLETE", "PRUNED")


def test_book_space_is_the_books_log_uniform_ranges():
    assert BOOK_SPACE["lr"] == FloatParam(1e-6, 1e-2, log=True)
    assert BOOK_SPACE["weight_decay"] == FloatParam(1e-8, 1e-4, log=True)


def test_random_sampler_draws_log_uniform_like_the_book():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    exps = []
    for _ in range(400):
        trial = study.ask()
        exps.append(math.log10(trial.suggest_float("lr", 1e-6, 1e-2, log=True)))
        study.tell(trial, 0.0)
    exps = np.array(exps)
    assert exps.min() >= -6 and exps.max() <= -2
    counts = np.histogram(exps, bins=4, range=(-6, -2))[0]  # 100 expected per decade
    assert counts.min() > 70 and counts.max() < 130


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FloatParam(1e-2, 1e-6), "low < high"),
        (lambda: FloatParam(0.0, 1.0, log=True), "low > 0"),
        (lambda: CategoricalParam(()), "at least one choice"),
    ],
)
def test_bad_params_raise_with_the_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_trials": 0}, "n_trials=0"),
        ({"workers": 0}, "workers=0"),
        ({"sampler": "grid"}, "valid names: random, tpe"),
        ({"pruner": "hyperband"}, "valid names: median, none"),
        ({"storage": "results.txt"}, "storage='results.txt'"),
        ({"space": {"lr": (1e-6, 1e-2)}}, r"space\['lr'\]"),
    ],
)
def test_bad_search_arguments_raise_with_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        random_search(bowl, **kwargs)


def test_storage_url_forms(tmp_path):
    assert storage_url(None) is None
    assert storage_url(tmp_path / "s.db") == f"sqlite:///{tmp_path / 's.db'}"
    assert storage_url("postgres://u@h/db") == "postgresql://u@h/db"
    assert storage_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"


def test_reporter_rejects_bad_values():
    trial = optuna.create_study().ask()
    report = Reporter(trial)
    with pytest.raises(ValueError, match="val_acc='high'"):
        report(1, "high")
    with pytest.raises(ValueError, match="NaN"):
        report(1, float("nan"))
    with pytest.raises(ValueError, match="epoch=-1"):
        report(-1, 0.5)


def test_reporter_stores_curves_as_user_attrs():
    study = optuna.create_study(direction="maximize")
    trial = study.ask()
    report = Reporter(trial)
    report(1, 0.25, 0.5)
    report(2, 0.5, 0.75)
    assert trial.user_attrs["val_acc"] == [0.25, 0.5]
    assert trial.user_attrs["train_acc"] == [0.5, 0.75]
    study.tell(trial, 0.5)
    assert study.trials[0].intermediate_values == {1: 0.25, 2: 0.5}


def test_a_trial_beyond_the_shared_budget_is_skipped():
    study = optuna.create_study(direction="maximize")
    for x in (0.1, 0.2, 0.3):
        study.add_trial(optuna.trial.create_trial(value=x))
    trial = study.ask()
    with pytest.raises(BudgetFilledError, match="n_trials=3"):
        TrialObjective(bowl, BOOK_SPACE, n_trials=3)(trial)
    assert trial.user_attrs["skipped"]
    assert TrialObjective(bowl, BOOK_SPACE, n_trials=4)(trial) > 0  # the 4th slot is free


def test_running_trials_of_other_workers_hold_their_budget_slots():
    study = optuna.create_study(direction="maximize")
    study.add_trial(optuna.trial.create_trial(value=0.1))
    study.ask()  # trial 1, RUNNING in another worker
    study.enqueue_trial({"lr": 1e-3, "weight_decay": 1e-6})  # a retried trial, WAITING
    late = study.ask()  # a WAITING trial is taken before a new one is sampled
    assert late.number == 2
    with pytest.raises(BudgetFilledError, match="2 earlier trials"):
        TrialObjective(bowl, BOOK_SPACE, n_trials=2)(late)
    assert TrialObjective(bowl, BOOK_SPACE, n_trials=3)(late) > 0
    assert late.params == {"lr": 1e-3, "weight_decay": 1e-6}


def test_median_pruner_stops_poor_trials_and_keeps_their_curves():
    result = random_search(bowl, n_trials=20, seed=0, pruner="median")
    pruned = [t for t in result.trials if t.state == "PRUNED"]
    assert pruned, "MedianPruner pruned nothing"
    for t in pruned:
        assert len(t.val_acc) == t.pruned_at_epoch < 6
        assert t.value == t.val_acc[-1]
    complete = [t for t in result.trials if t.state == "COMPLETE"]
    assert all(len(t.val_acc) == 6 for t in complete)
    none = random_search(bowl, n_trials=20, seed=0, pruner="none")
    assert {t.state for t in none.trials} == {"COMPLETE"}


@pytest.mark.parametrize("sampler, n_trials", [("random", 8), ("tpe", 14)])
def test_one_worker_with_a_fixed_seed_repeats_its_best(sampler, n_trials):
    runs = [random_search(logistic, n_trials=n_trials, sampler=sampler, seed=s) for s in (7, 7, 8)]
    first, again, other = runs
    assert first.best.params == again.best.params
    assert [t.params for t in first.trials] == [t.params for t in again.trials]
    assert [t.val_acc for t in first.trials] == [t.val_acc for t in again.trials]
    assert [t.params for t in first.trials] != [t.params for t in other.trials]


def test_tpe_concentrates_on_the_good_region():
    result = random_search(bowl, n_trials=30, sampler="tpe", seed=0, pruner="none")
    late = [abs(math.log10(t.params["lr"]) + 2.5) for t in result.trials[20:]]
    early = [abs(math.log10(t.params["lr"]) + 2.5) for t in result.trials[:10]]
    assert np.median(late) < np.median(early)


def _record(number, value, lr, wd, state="COMPLETE", epochs=3):
    return TrialRecord(
        number,
        state,
        value,
        {"lr": lr, "weight_decay": wd},
        [value] * epochs,
        [min(1.0, value + 0.1)] * epochs,
        "host:1",
        epochs if state == "PRUNED" else None,
    )


def test_table_is_the_books_format_best_first():
    result = SearchResult(
        "s",
        None,
        [
            _record(0, 0.81, 0.00966, 4.20e-8),
            _record(1, 0.84, 0.00940, 2.77e-6),
            _record(2, 0.11, 1e-6, 1e-8, state="PRUNED"),
            TrialRecord(3, "FAIL", None, {"lr": 1e-3, "weight_decay": 1e-6}),
        ],
    )
    assert result.table() == [
        "Best-1(val acc:0.84) | lr:0.0094, weight decay:2.77e-06",
        "Best-2(val acc:0.81) | lr:0.00966, weight decay:4.2e-08",
        "Best-3(val acc:0.11, pruned at epoch 3) | lr:1e-06, weight decay:1e-08",
    ]
    assert result.best.number == 1
    assert format_params({"optimizer": "sgd"}) == "optimizer:sgd"


def test_save_writes_table_json_and_top20_grid(tmp_path):
    trials = [_record(i, 0.02 * i, 10.0 ** (-6 + 0.15 * i), 1e-6) for i in range(23)]
    result = SearchResult("s", "postgresql://me:secret@db/optuna", trials)
    paths = result.save(tmp_path)
    text = paths["table"].read_text()
    assert "Best-1(val acc:0.44)" in text and "Best-23(val acc:0)" in text
    assert "secret" not in paths["json"].read_text()
    from PIL import Image

    with Image.open(paths["figure"]) as img:
        assert img.size == (5 * 2.4 * 100, 4 * 2.0 * 100)  # 5 x 4 panels, dpi 100
