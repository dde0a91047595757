"""``scratchdl run NAME --epochs N`` reaches every variant, or says which it leaves alone."""

from __future__ import annotations

import argparse

import pytest

from scratchdl.lab.experiments import command_run, left_alone_by_epochs, make_config


def test_epochs_reaches_the_dropout_variant():
    config = make_config("overfitting", epochs=3)
    assert (config.epochs, config.dropout_epochs) == (3, 3)  # was 301 for dropout


def test_epochs_reaches_the_book_variant_of_batchnorm():
    config = make_config("batchnorm", epochs=2)
    assert (config.epochs, config.book_epochs) == (2, 2)


@pytest.mark.parametrize(
    ("name", "untouched"),
    [("activations-optimizers", ["book_iters"]), ("weight-init-accuracy", ["book_iters"])],
)
def test_iteration_counts_are_named_as_left_alone(name, untouched):
    assert left_alone_by_epochs(make_config(name, epochs=2)) == untouched


def test_run_says_which_settings_epochs_leaves_alone(capsys, monkeypatch):
    monkeypatch.setattr("scratchdl.lab.experiments.run_experiment", lambda *a, **k: None)
    args = argparse.Namespace(
        list=False, name="activations-optimizers", quick=True, seed=0, out=None,
        dataset="mnist", epochs=2,
    )  # fmt: skip
    assert command_run(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "scratchdl run activations-optimizers: --epochs 2 applies to every variant except "
        "book_iters (the book's variant counts iterations)"
    ]


def test_a_report_that_cannot_be_written_is_rescued(tmp_path, monkeypatch):
    from scratchdl.lab import experiments

    written = []

    class Module:
        @staticmethod
        def report(result, out_dir):
            if out_dir == tmp_path / "blocked":
                raise PermissionError(13, "Permission denied", str(out_dir))
            written.append(out_dir)
            return ["result.json"]

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = argparse.Namespace(name="overfitting")
    with pytest.raises(RuntimeError) as info:
        experiments._report_or_rescue(Module, result, tmp_path / "blocked")
    (rescue,) = written
    assert rescue.parent == tmp_path and rescue.name.startswith(
        "scratchdl-run-overfitting-rescued-"
    )
    assert str(info.value) == (
        f"could not write the report to '{tmp_path / 'blocked'}' (Permission denied); "
        f"it was written to '{rescue}' instead"
    )
