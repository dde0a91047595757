"""The registry and ``scratchdl run``: names, --list, overrides, error exits."""

import dataclasses
from types import SimpleNamespace

import pytest

from scratchdl.lab import experiments
from scratchdl.lab.experiments import command_run, make_config, names

EXPERIMENTS = [
    "weight-init-histograms", "weight-init-accuracy", "batchnorm", "activations-optimizers",
    "overfitting", "hparam-search", "early-stopping", "lr-schedules", "regularizers", "convnet",
]  # fmt: skip


def _args(**kw):
    base = dict(name=None, list=False, quick=True, seed=0, out=None, dataset="mnist", epochs=None)
    base.update(kw)
    return SimpleNamespace(**base)


def test_the_experiments_are_registered_in_order():
    assert names() == EXPERIMENTS


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_module_has_the_shape(name):
    module = experiments.load(name)
    assert name == module.NAME and module.TITLE
    assert callable(module.run) and callable(module.report)
    default, quick = module.Config(), module.Config().quick()
    assert dataclasses.is_dataclass(default) and type(quick) is type(default)
    assert quick != default  # quick shrinks something


def test_list_prints_every_name(capsys):
    assert command_run(_args(list=True)) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == EXPERIMENTS


def test_no_name_lists_the_experiments_and_fails(capsys):
    assert command_run(_args()) == 2
    assert "batchnorm" in capsys.readouterr().out


def test_unknown_name_fails_and_lists_valid_names(capsys):
    assert command_run(_args(name="dropout")) == 2
    out = capsys.readouterr().out
    assert "unknown experiment 'dropout'" in out and "overfitting" in out and "all" in out


def test_load_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown experiment 'bn'; valid names: weight-init"):
        experiments.load("bn")


def test_overrides_replace_epochs_and_dataset():
    config = make_config("overfitting", quick=True, dataset="fashion_mnist", epochs=3)
    assert config.epochs == 3 and config.dataset == "fashion_mnist"
    assert config.n_train == 300  # the rest stays the quick config


def test_an_override_the_experiment_lacks_is_an_error(capsys):
    with pytest.raises(ValueError, match="has no 'epochs' setting.*n_layers"):
        make_config("weight-init-histograms", epochs=5)
    assert command_run(_args(name="weight-init-histograms", epochs=5)) == 2
    assert "has no 'epochs' setting" in capsys.readouterr().out
    assert make_config("weight-init-histograms", epochs=5, strict=False).n_layers == 10


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True])
def test_epochs_must_be_a_positive_integer(epochs):
    with pytest.raises(
        ValueError, match=f"epochs must be a positive integer, received epochs={epochs!r}"
    ):
        make_config("overfitting", epochs=epochs)


def test_quick_configs_shrink_the_published_setups():
    assert make_config("overfitting").epochs == 201
    assert make_config("overfitting", quick=True).epochs < 201
    assert make_config("hparam-search").n_trials == 100
    assert make_config("batchnorm").epochs == 30
    assert make_config("weight-init-accuracy").stds == (1e-4, 0.01, 1e4)


def test_summary_counts_reproduced_checks_and_adds_runtimes():
    from scratchdl.lab.experiments import summary
    from scratchdl.lab.experiments.common import Result, check_row, info_row

    rows = [check_row("a", "1", 1.0, "=", True), check_row("b", "1", 0.0, "=", False),
            info_row("c", 2.0)]  # fmt: skip
    text = summary([Result("x", True, 0, {}, rows, runtime=1.25),
                    Result("y", True, 0, {}, rows[:1], runtime=2.0)])  # fmt: skip
    lines = text.splitlines()
    assert lines[2].split() == ["x", "1/2", "1.2", "s"]
    assert lines[3].split() == ["y", "1/1", "2.0", "s"]
    assert lines[4].split() == ["all", "3.2", "s"]
