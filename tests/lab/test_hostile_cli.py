"""Hostile and mistaken input on the command line and in TOML files.

Each case asserts the exact outcome: exit code 2 (usage) or 1 (runtime), ONE line on stderr
``scratchdl: error: ...`` naming the value, no traceback, and no work started (the data
loader is replaced by one that fails the test when called).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from scratchdl.lab.cli import main


def run_cli(argv, capsys):
    """(exit code, stdout, stderr lines) of ``scratchdl ARGV`` run in-process."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


def assert_one_line_error(err_lines, expected):
    assert len(err_lines) == 1, err_lines
    assert err_lines[0] == f"scratchdl: error: {expected}"
    assert "Traceback" not in err_lines[0]


FLAG_CASES = [
    (
        ["train", "--epochs", "0"],
        "train: argument --epochs: expected a positive integer, received '0'",
    ),
    (
        ["train", "--epochs", "ten"],
        "train: argument --epochs: expected a positive integer, received 'ten'",
    ),
    (
        ["train", "--batch-size", "-5"],
        "train: argument --batch-size: expected a positive integer, received '-5'",
    ),
    (
        ["train", "--dropout", "1.5"],
        "train: argument --dropout: expected a rate in [0, 1), received '1.5'",
    ),
    (
        ["train", "--learning-rate", "-1"],
        "train: argument --learning-rate: expected a positive number, received '-1'",
    ),
    (
        ["train", "--learning-rate", "nan"],
        "train: argument --learning-rate: expected a positive number, received 'nan'",
    ),
    (["train", "--seed", "1.5"], "train: argument --seed: expected an integer, received '1.5'"),
    (
        ["train", "--dataset", "cifar10"],
        "train: argument --dataset: invalid choice: 'cifar10' "
        "(choose from 'mnist', 'fashion_mnist')",
    ),
    (
        ["train", "--layers", "100,abc"],
        "layers must be a comma list of positive integers, received '100,abc'",
    ),
    (["train", "--layers", "0"], "layers: each size must be an integer in 1..8192, received 0"),
    (
        ["train", "--layers", "200000"],
        "layers: each size must be an integer in 1..8192, received 200000",
    ),
    (["train", "--nope"], "unrecognized arguments: --nope"),
    (
        ["predict", "m.npz", "a.png", "--top", "-3"],
        "predict: argument --top: expected an integer in 1..10, received '-3'",
    ),
    (
        ["predict", "m.npz", "a.png", "--top", "11"],
        "predict: argument --top: expected an integer in 1..10, received '11'",
    ),
    (
        ["serve", "m.npz", "--port", "70000"],
        "serve: argument --port: expected a port in 0..65535, received '70000'",
    ),
    (
        ["serve", "m.npz", "--port", "http"],
        "serve: argument --port: expected a port in 0..65535, received 'http'",
    ),
    (
        ["serve", "m.npz", "--workers", "0"],
        "serve: argument --workers: expected a positive integer, received '0'",
    ),
    (
        ["run", "overfitting", "--epochs", "0"],
        "run: argument --epochs: expected a positive integer, received '0'",
    ),
    (
        ["demo", "--epochs", "-1"],
        "demo: argument --epochs: expected a positive integer, received '-1'",
    ),
    (
        ["bench", "--threads", "0"],
        "bench: argument --threads: expected a positive integer, received '0'",
    ),
]


@pytest.mark.parametrize(("argv", "message"), FLAG_CASES)
def test_bad_flags_are_one_line_usage_errors(argv, message, capsys, no_data):
    code, out, err = run_cli(argv, capsys)
    assert code == 2
    assert_one_line_error(err, message)


def test_unknown_command_lists_the_commands(capsys):
    code, _, err = run_cli(["trian"], capsys)
    assert code == 2
    assert_one_line_error(
        err,
        "argument COMMAND: invalid choice: 'trian' (choose from 'demo', 'run', 'train', "
        "'predict', 'search', 'serve', 'gradcheck', 'bench', 'book')",
    )


def test_unknown_experiment_lists_the_names(capsys):
    code, _, err = run_cli(["run", "dropout"], capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith("scratchdl: error: unknown experiment 'dropout'; valid names: ")
    assert err[0].endswith("regularizers, convnet, all")


def test_missing_model_file_is_one_line_runtime_error(tmp_path, capsys):
    code, _, err = run_cli(["predict", tmp_path / "nope.npz", "a.png"], capsys)
    assert code == 1
    assert_one_line_error(err, f"No such model file: '{tmp_path / 'nope.npz'}'")


def test_debug_flag_shows_the_traceback(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such model file"):
        main(["predict", str(tmp_path / "nope.npz"), "a.png", "--debug"])


def test_debug_environment_variable_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHDL_DEBUG", "1")
    with pytest.raises(FileNotFoundError, match="No such model file"):
        main(["predict", str(tmp_path / "nope.npz"), "a.png"])


# -- output paths: refused before any work ---------------------------------------------


def test_train_out_is_a_directory(tmp_path, capsys, no_data):
    code, _, err = run_cli(["train", "--out", tmp_path], capsys)
    assert code == 2
    assert_one_line_error(err, f"--out '{tmp_path}' is a directory; expected a file name")


def test_train_out_under_a_file(tmp_path, capsys, no_data):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    code, _, err = run_cli(["train", "--out", blocker / "m.npz"], capsys)
    assert code == 2
    assert_one_line_error(err, f"--out '{blocker / 'm.npz'}': '{blocker}' is not a directory")
    assert blocker.read_text() == "mine"


def test_train_out_in_a_missing_directory(tmp_path, capsys, no_data):
    target = tmp_path / "missing" / "m.npz"
    code, _, err = run_cli(["train", "--out", target], capsys)
    assert code == 2
    assert_one_line_error(
        err, f"--out '{target}': the directory '{tmp_path / 'missing'}' does not exist"
    )


def test_train_out_is_a_fifo(fifo, capsys, no_data):
    code, _, err = run_cli(["train", "--out", fifo], capsys)
    assert code == 2
    assert_one_line_error(err, f"--out '{fifo}' exists and is not a regular file")


def test_train_curve_path_is_a_directory(tmp_path, capsys, no_data):
    (tmp_path / "m.png").mkdir()
    code, _, err = run_cli(["train", "--out", tmp_path / "m.npz"], capsys)
    assert code == 2
    assert_one_line_error(
        err, f"the learning-curve file '{tmp_path / 'm.png'}' is a directory; expected a file name"
    )


def test_run_out_under_a_file(tmp_path, capsys):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    code, _, err = run_cli(["run", "overfitting", "--quick", "--out", blocker / "o"], capsys)
    assert code == 2
    assert_one_line_error(
        err, f"--out '{blocker / 'o'}': '{blocker}' is a file, expected a directory"
    )


def test_search_out_is_a_file(tmp_path, capsys):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    code, _, err = run_cli(["search", "--quick", "--out", blocker], capsys)
    assert code == 2
    assert_one_line_error(
        err, f"search: --out '{blocker}': '{blocker}' is a file, expected a directory"
    )


def fake_plot(monkeypatch):
    """Write a stand-in figure (the curve path is what matters; matplotlib is slow to load)."""
    from pathlib import Path

    def plot(history, path, title=""):
        Path(path).write_bytes(b"\x89PNG stand-in")

    monkeypatch.setattr("scratchdl.lab.plotting.plot_history", plot)


def test_model_named_png_keeps_its_curve_apart(tmp_path, capsys, fake_data, monkeypatch):
    fake_plot(monkeypatch)
    out = tmp_path / "model.png"
    code, stdout, err = run_cli(["train", "--epochs", "1", "--layers", "8", "--out", out], capsys)
    assert code == 0, err
    record = json.loads(stdout.strip().splitlines()[-1])
    assert record["model"] == str(out) and record["curves"] == str(tmp_path / "model.curves.png")
    from scratchdl.models.loading import load_model

    assert load_model(out).count_params() == 784 * 8 + 8 + 8 * 10 + 10  # still the model


def test_model_save_failing_at_the_end_is_rescued(tmp_path, capsys, fake_data, monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def load_then_break_the_directory(dataset, quick):
        out_dir.rmdir()
        out_dir.write_text("a file took the directory's place during training")
        import numpy as np

        x, y = np.zeros((100, 28, 28)), np.arange(100) % 10
        return (x, y), (x, y)

    monkeypatch.setattr("scratchdl.lab.train._load", load_then_break_the_directory)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, _, err = run_cli(["train", "--epochs", "1", "--out", out_dir / "m.npz"], capsys)
    assert code == 1 and len(err) == 1
    rescued = sorted(tmp_path.glob("scratchdl-rescued-*-m.npz"))
    assert len(rescued) == 1
    assert err[0].startswith(
        f"scratchdl: error: could not write the model to '{out_dir / 'm.npz'}'"
    )
    assert err[0].endswith(f"the trained model was saved to '{rescued[0]}' instead")


@pytest.mark.slow  # draws the real figure (matplotlib)
def test_output_files_follow_the_umask(tmp_path, capsys, fake_data):
    old = os.umask(0o022)
    try:
        code, _, _ = run_cli(["train", "--epochs", "1", "--out", tmp_path / "m.npz"], capsys)
    finally:
        os.umask(old)
    assert code == 0
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "m.png").stat().st_mode & 0o777 == 0o644


# -- TOML files --------------------------------------------------------------------------

TOML_CASES = [
    ('batchnorm = "no"', "batchnorm must be true or false, received batchnorm='no'"),
    ("layers = [100.5]", "layers: each size must be an integer in 1..8192, received 100.5"),
    ("layers = [true]", "layers: each size must be an integer in 1..8192, received True"),
    ("layers = 100", "layers must be a list of positive integers, received 100"),
    ('layers = "100,x"', "layers must be a comma list of positive integers, received '100,x'"),
    (
        'dataset = "cifar10"',
        "dataset must be one of ['mnist', 'fashion_mnist'], received dataset='cifar10'",
    ),
    ("epochs = 0", "epochs must be an integer in 1..100000, received epochs=0"),
    ("epochs = 2.0", "epochs must be an integer in 1..100000, received epochs=2.0"),
    ("out = 5", "out must be a file name, received out=5"),
    ('dropout = "0.5"', "dropout must be a number in [0, 1), received dropout='0.5'"),
    ("dropout = 1.0", "dropout must be a number in [0, 1), received dropout=1.0"),
    (
        "learning_rate = true",
        "learning_rate must be a positive number, received learning_rate=True",
    ),
    ("learning_rate = inf", "learning_rate must be a positive number, received learning_rate=inf"),
    ("seed = 1.5", "seed must be an integer, received seed=1.5"),
    ("quick = 1", "quick must be true or false, received quick=1"),
    ("activation = 3", "activation must be a name (a string), received activation=3"),
    (
        "units = 100\nlr = 0.1",
        "unknown keys ['lr', 'units'] in {path}; valid: ['activation', 'batch_size', "
        "'batchnorm', 'dataset', 'dropout', 'epochs', 'layers', 'learning_rate', 'optimizer', "
        "'out', 'quick', 'seed']",
    ),
]


@pytest.mark.parametrize(("text", "message"), TOML_CASES)
def test_bad_toml_values_are_refused_before_training(text, message, tmp_path, capsys, no_data):
    path = tmp_path / "train.toml"
    path.write_text(text + "\n")
    code, _, err = run_cli(["train", "--config", path], capsys)
    assert code == 2
    assert_one_line_error(err, message.format(path=path))


def test_toml_syntax_error(tmp_path, capsys, no_data):
    path = tmp_path / "t.toml"
    path.write_text("layers = [100,\n")
    code, _, err = run_cli(["train", "--config", path], capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"scratchdl: error: --config '{path}' is not valid TOML: ")


def test_toml_missing_file(tmp_path, capsys, no_data):
    code, _, err = run_cli(["train", "--config", tmp_path / "none.toml"], capsys)
    assert code == 2
    assert_one_line_error(err, f"--config '{tmp_path / 'none.toml'}': no such file")


def test_toml_fifo_does_not_hang(fifo, capsys, no_data):
    code, _, err = run_cli(["train", "--config", fifo], capsys)
    assert code == 2
    assert_one_line_error(err, f"--config '{fifo}' is not a regular file")


def test_toml_directory(tmp_path, capsys, no_data):
    code, _, err = run_cli(["train", "--config", tmp_path], capsys)
    assert code == 2
    assert_one_line_error(err, f"--config '{tmp_path}' is not a regular file")


def test_model_and_cache_files_follow_the_umask(tmp_path):
    from scratchdl.datasets.sources import save_npz_atomic as save_cache

    old = os.umask(0o027)
    try:
        build_tiny_model_for_umask().save(tmp_path / "m.npz")
        save_cache(tmp_path / "cache.npz", {"a": np.zeros(3)})
    finally:
        os.umask(old)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "cache.npz").stat().st_mode & 0o777 == 0o640


def build_tiny_model_for_umask():
    from tests.lab.conftest import build_tiny_model

    return build_tiny_model()


def test_flags_still_override_a_valid_toml(tmp_path, capsys, fake_data, monkeypatch):
    fake_plot(monkeypatch)
    path = tmp_path / "t.toml"
    path.write_text(f'layers = [4]\nepochs = 1\nout = "{tmp_path / "a.npz"}"\n')
    code, stdout, _ = run_cli(["train", "--config", path, "--layers", "6"], capsys)
    assert code == 0
    from scratchdl.models.loading import load_model

    assert load_model(tmp_path / "a.npz").layers[1].units == 6


def test_serve_refuses_a_model_with_nan_weights_at_start(tmp_path, capsys):
    from tests.lab.conftest import build_tiny_model

    model = build_tiny_model()
    model.layers[1].params["bias"][3] = np.inf
    path = tmp_path / "inf.npz"
    model.save(path)
    code, _, err = run_cli(["serve", path, "--port", "0"], capsys)
    assert code == 1
    assert_one_line_error(
        err,
        f"{path}: weight dense/bias holds NaN or infinite values; "
        "the model cannot give meaningful predictions (retrain it)",
    )


def test_serve_missing_model_file(tmp_path, capsys):
    code, _, err = run_cli(["serve", tmp_path / "gone.npz"], capsys)
    assert code == 1
    assert_one_line_error(err, f"model file not found: '{tmp_path / 'gone.npz'}'")


def test_serve_on_an_address_it_cannot_bind(model_file, capsys):
    code, _, err = run_cli(["serve", model_file, "--host", "203.0.113.7", "--port", "0"], capsys)
    assert code == 1 and len(err) == 1
    assert err[0].startswith("scratchdl: error: cannot listen on 203.0.113.7:0: ")


def test_run_without_a_name_is_one_line(capsys):
    code, out, err = run_cli(["run"], capsys)
    assert code == 2 and out == "" and len(err) == 1
    assert err[0].startswith("scratchdl: error: run: name an experiment (or --list); valid names: ")


@pytest.mark.parametrize("study", ["", " ", " book"])
def test_search_study_name_must_be_a_name(study, tmp_path, capsys):
    code, _, err = run_cli(["search", "--quick", "--study", study, "--out", tmp_path], capsys)
    assert code == 2
    assert_one_line_error(
        err, f"search: --study must be a name without surrounding spaces, received {study!r}"
    )


def test_a_reader_that_leaves_the_pipe_is_not_an_error(capsys, monkeypatch):
    def broken_pipe(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("scratchdl.lab.cli._call", broken_pipe)
    monkeypatch.setattr("os.dup2", lambda fd, fd2: None)  # keep the test runner's stdout
    code, _, err = run_cli(["gradcheck"], capsys)
    assert (code, err) == (141, [])


def test_a_figure_that_fails_leaves_the_model_and_says_so(tmp_path, capsys, fake_data, monkeypatch):
    def broken_plot(history, path, title=""):
        raise RuntimeError("no display backend")

    monkeypatch.setattr("scratchdl.lab.plotting.plot_history", broken_plot)
    out = tmp_path / "m.npz"
    code, stdout, err = run_cli(["train", "--epochs", "1", "--layers", "8", "--out", out], capsys)
    assert code == 1
    assert_one_line_error(
        err,
        f"the learning-curve figure '{tmp_path / 'm.png'}' was not written "
        "(RuntimeError: no display backend); the model file is complete",
    )
    record = json.loads(stdout.strip().splitlines()[-1])
    assert record["model"] == str(out) and record["curves"] is None
    from scratchdl.models.loading import load_model

    assert load_model(out).count_params() == 784 * 8 + 8 + 8 * 10 + 10
