"""scratchdl run convnet: the book's SimpleConvNet and the Keras CNN, their report and figures."""

import dataclasses

import numpy as np
import pytest

from scratchdl.lab.experiments import convnet
from scratchdl.lab.experiments.report import result_json
from tests.experiments.helpers import check_outputs, run_quick

TINY = dataclasses.replace(convnet.Config().quick(), book_n_train=200, book_eval_samples=100,
                           book_epochs=1, keras_n_train=256, n_test=200)  # fmt: skip


def test_tiny_run_reports_filters_curves_and_the_published_numbers(tmp_path):
    result = convnet.run(TINY, np.random.default_rng(0))
    result.quick, result.seed = True, 0
    files = convnet.report(result, tmp_path)
    assert {f.name for f in files} == {"result.json", "report.md", "filters.png", "curves.png"}
    rows = {r.quantity: r for r in result.rows}
    assert rows["Keras CNN parameters"].ours == 34826
    assert rows["Keras CNN parameters"].verdict == "reproduced"
    assert "0.989" in rows["SimpleConvNet test accuracy (book setup)"].published
    assert "0.9922" in rows["Keras CNN test accuracy"].published
    book = result.data["book"]
    assert np.shape(book["filters_before"]) == (30, 5, 5)
    assert not np.allclose(book["filters_before"], book["filters_after"])  # training moved them
    again = convnet.run(TINY, np.random.default_rng(0))
    again.quick, again.seed = True, 0
    assert result_json(again) == result_json(result)  # same seed, same record


def test_defaults_are_the_published_setups():
    c = convnet.Config()
    assert (c.book_epochs, c.book_n_train, c.book_eval_samples) == (20, None, 1000)
    assert (c.keras_epochs, c.batch_size, c.validation_split) == (15, 128, 0.1)


@pytest.mark.slow
def test_convnet_quick(tmp_path, capsys):
    result, printed = run_quick("convnet", tmp_path, capsys=capsys)
    check_outputs(result, tmp_path, printed, ["filters.png", "curves.png"])
