"""The benchmark suite's --quick smoke mode runs end to end (no timing assertions)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_suite_writes_a_report(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--workloads",
            "W1,W2,W4,W5",
            "--no-torch",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text()
    assert "quick smoke run" in text
    for name in ("W1", "W2", "W4", "W5"):
        assert f"| {name} |" in text
    assert "predict on 10 000 images" in text and "cProfile" in text


def test_workloads_match_the_issue():
    sys.path.insert(0, str(ROOT))
    from benchmarks.workloads import WORKLOADS, layer_sizes

    assert layer_sizes(WORKLOADS["W1"]) == (784, 50, 50, 10)
    assert layer_sizes(WORKLOADS["W3"]) == (784, 64, 128, 256, 128, 64, 10)
    assert layer_sizes(WORKLOADS["W4"]) == (784,) + (100,) * 6 + (10,)
    assert WORKLOADS["W2"].batchnorm and WORKLOADS["W3"].batch_size == 32
    assert WORKLOADS["W4"].n_train == 300 and WORKLOADS["W4"].epochs_per_run == 200
