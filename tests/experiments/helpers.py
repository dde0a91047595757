"""Run an experiment in quick mode into a temporary directory and check what it wrote."""

import json

from scratchdl.lab.experiments import load, run_experiment
from scratchdl.lab.experiments.common import VERDICTS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_quick(name, out, seed=0, capsys=None):
    """``scratchdl run NAME --quick --seed SEED --out OUT``; returns (result, printed text)."""
    result = run_experiment(name, quick=True, seed=seed, out=out)
    printed = capsys.readouterr().out if capsys is not None else ""
    return result, printed


def check_outputs(result, out, printed, figures):
    """result.json, report.md and the figures exist and agree with the result's table."""
    assert (out / "result.json").is_file() and (out / "report.md").is_file()
    for name in figures:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC, name
    record = json.loads((out / "result.json").read_text())
    assert record["experiment"] == result.name and record["quick"] is True
    assert [r["quantity"] for r in record["rows"]] == [r.quantity for r in result.rows]
    assert all(r["verdict"] in VERDICTS for r in record["rows"])
    md = (out / "report.md").read_text()
    assert f"# {load(result.name).TITLE}" in md
    assert "| quantity | published | ours | check | verdict |" in md
    for row in result.rows:
        assert f"| {row.quantity} |" in md
        assert row.quantity in printed  # the table printed at the end
    for name in figures:
        assert f"({name})" in md
    assert f"[{result.name}]" in printed  # progress lines
    return record


def verdicts(result):
    """{quantity: verdict} of the result's table."""
    return {r.quantity: r.verdict for r in result.rows}
