"""``scratchdl search`` as the CLI delegates it: options, output, files, bad input."""

from __future__ import annotations

import argparse
import functools

import pytest

from scratchdl.lab.search import add_search_arguments, command_search
from scratchdl.lab.search.results import HEADER
from tests.search.objectives import bowl


def _parse(argv):
    return add_search_arguments(argparse.ArgumentParser(prog="scratchdl search")).parse_args(argv)


def test_defaults_are_the_books_setup():
    args = _parse([])
    assert (args.trials, args.workers, args.storage, args.sampler, args.pruner) == (
        None,
        1,
        None,
        "random",
        "median",
    )
    assert args.epochs is None and args.quick is False


@pytest.fixture
def fake_book(monkeypatch):
    """Replace the book objective by bowl() with the epochs the command asks for."""
    seen = {}

    def objective(epochs):
        seen["epochs"] = epochs
        return functools.partial(bowl, epochs=epochs)

    monkeypatch.setattr("scratchdl.lab.search.book.BookObjective", objective)  # imported on use
    return seen


def test_quick_search_prints_the_table_and_writes_the_files(fake_book, tmp_path, capsys):
    code = command_search(_parse(["--quick", "--seed", "0", "--out", str(tmp_path)]))
    assert code == 0
    assert fake_book["epochs"] == 5
    out = capsys.readouterr().out
    lines = out.splitlines()
    table = lines[lines.index(HEADER) + 1 :]
    assert [line.split("(")[0] for line in table[:10]] == [f"Best-{k}" for k in range(1, 11)]
    assert sum(line.startswith("val acc:") for line in lines) >= 5  # per-trial lines
    for name in ("results.md", "results.json", "top20.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_study_on_a_file_resumes_with_more_trials(fake_book, tmp_path, capsys):
    db = str(tmp_path / "s.db")
    base = ["--storage", db, "--study", "resume", "--epochs", "2", "--out", str(tmp_path)]
    assert command_search(_parse([*base, "--trials", "3", "--seed", "1"])) == 0
    assert command_search(_parse([*base, "--trials", "5", "--seed", "2"])) == 0
    out = capsys.readouterr().out
    last = out.split(HEADER)[-1]
    assert "Best-5(" in last and "Best-6(" not in last


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--workers", "0"], "workers=0"),
        (["--trials", "-1"], "n_trials=-1"),
        (["--epochs", "0"], "received 0"),
        (["--storage", "s.txt"], "storage='s.txt'"),
    ],
)
def test_bad_input_exits_2_with_the_value(fake_book, argv, message, tmp_path, capsys):
    assert command_search(_parse([*argv, "--out", str(tmp_path)])) == 2
    assert message in capsys.readouterr().err
