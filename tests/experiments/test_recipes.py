"""The helpers the experiments share: timed_runs, new_result (common.py) and recipes.py."""

from dataclasses import dataclass

import numpy as np

from scratchdl.lab.experiments.common import info_row, new_result, timed_runs
from scratchdl.lab.experiments.recipes import book_loss_curve, tail_mean, train_test_panel


def test_timed_runs_keeps_the_order_and_prints_one_line_per_run(capsys):
    calls = []

    def train(key):
        calls.append(key)
        return key * 2

    out = timed_runs("demo", ("b", "a"), train, lambda k, r, s: f"{k}: {r} ({s >= 0})")
    assert calls == ["b", "a"] and list(out.items()) == [("b", "bb"), ("a", "aa")]
    assert capsys.readouterr().out == "[demo] b: bb (True)\n[demo] a: aa (True)\n"


def test_new_result_records_the_config_without_the_excluded_fields():
    @dataclass(frozen=True)
    class Config:
        hidden: tuple = (100, 100)
        checkpoint_dir: str | None = "/tmp/x"

    rows = [info_row("loss", 0.5)]
    result = new_result("demo", Config(), rows, {"a": 1}, exclude=("checkpoint_dir",))
    assert (result.name, result.quick, result.seed) == ("demo", False, None)
    assert result.config == {"hidden": [100, 100]} and result.rows == rows
    assert result.data == {"a": 1} and result.notes == []


class _Net:
    """loss = 0.5 * sum(w**2) (the mini-batch is ignored); gradient = w."""

    def __init__(self):
        self.params = {"w": np.array([2.0])}

    def gradient(self, x, t):
        return {"w": self.params["w"].copy()}

    def loss(self, x, t):
        return 0.5 * float(self.params["w"][0] ** 2)


class _SGD:
    def update(self, params, grads):
        params["w"] -= 0.5 * grads["w"]


def test_book_loss_curve_records_the_loss_after_each_update():
    x, t = np.zeros((10, 3)), np.zeros(10, dtype=int)
    losses = book_loss_curve(_Net(), _SGD(), x, t, 3, 4, np.random.default_rng(0))
    assert losses == [0.5, 0.125, 0.03125]  # w: 2 -> 1 -> 0.5 -> 0.25
    assert tail_mean(losses, n=2) == (0.125 + 0.03125) / 2


def test_train_test_panel_draws_train_solid_and_test_dashed():
    panel = train_test_panel("baseline", [0.5, 0.9], [0.4, 0.7], xlabel="epochs")
    assert panel["xlabel"] == "epochs" and panel["ylim"] == (0, 1)
    assert [line.get("style") for line in panel["lines"]] == [None, "--"]
