"""``scratchdl book sample-weights`` and a chapter-3 inference script that reads its file."""

import contextlib
import io
import pickle
import runpy
from pathlib import Path

import numpy as np
import pytest

from scratchdl.book import load_mnist
from scratchdl.lab import book_weights
from scratchdl.lab.cli import main as cli_main

PROGRAM = Path(__file__).resolve().parents[1] / "programs" / "book" / "neuralnet_mnist.py"
SHAPES = {"W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,), "W3": (100, 10),
          "b3": (10,)}  # fmt: skip


def run_chapter3_program(directory, monkeypatch):
    """Run the chapter-3 program with ``directory`` as the working directory."""
    monkeypatch.chdir(directory)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = runpy.run_path(str(PROGRAM), run_name="__main__")
    return result["accuracy"], out.getvalue()


def test_quick_weights_have_the_books_layout_and_run_chapter3(tmp_path, monkeypatch):
    """Fast variant: 3000 training images, two passes; the same file layout and program."""
    data = load_mnist()
    weights = book_weights.train_weights(epochs=2, seed=1, train_size=3000, data=data)
    out = tmp_path / "sample_weight.pkl"
    book_weights.write_pickle(weights, str(out))
    with open(out, "rb") as f:
        loaded = pickle.load(f)
    assert type(loaded) is dict and list(loaded) == list(SHAPES)
    for key, shape in SHAPES.items():
        assert loaded[key].shape == shape and loaded[key].dtype == np.float32, key
        np.testing.assert_array_equal(loaded[key], weights[key])
    accuracy, printed = run_chapter3_program(tmp_path, monkeypatch)
    assert accuracy == book_weights.chapter3_accuracy(weights, *data[1])
    assert accuracy > 0.8  # 3000 images, two passes of Adam (0.875 measured): far above chance
    assert printed.startswith("Accuracy:0.")


@pytest.mark.slow
def test_command_writes_weights_that_chapter3_scores_above_092(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sample_weight.pkl"
    assert cli_main(["book", "sample-weights", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy on the MNIST test set: 0.9" in printed and "0.9352" in printed
    accuracy, _ = run_chapter3_program(tmp_path, monkeypatch)
    assert accuracy >= 0.92  # the book's own file: 0.9352
    assert f"{accuracy:.4f}" in printed  # the command printed what the script measures


def test_bad_output_paths_fail_before_training(tmp_path, capsys):
    assert book_weights.main(["--out", str(tmp_path / "missing" / "w.pkl")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert book_weights.main(["--out", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert book_weights.main(["--out", str(tmp_path / "w.pkl"), "--epochs", "0"]) == 2
    assert "--epochs must be a positive integer" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_train_weights_rejects_bad_epochs():
    with pytest.raises(ValueError, match="epochs=1.5"):
        book_weights.train_weights(epochs=1.5, data=((None, None), None))
