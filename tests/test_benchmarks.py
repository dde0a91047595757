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


def test_rounds_are_interleaved_and_pooled(monkeypatch):
    """Each cell runs in `rounds` processes, implementations alternating; times pooled."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import suite

    calls = []

    def fake_worker(impl, name, repeats, threads, quick, baseline=None):
        calls.append(impl)
        base = {"scratchdl": 1.0, "numpy": 2.0, suite.BASE: 3.0}[impl] + len(calls)
        return {"times": [base, base + 0.5], "peak_rss_mb": len(calls), "accuracy": 0.5}

    monkeypatch.setattr(suite, "run_worker", fake_worker)
    rows = suite.collect(["W1"], 2, 1, False, with_torch=False, rounds=2)
    assert calls == ["scratchdl", "numpy", "scratchdl", "numpy"]
    s = rows[("W1", "scratchdl")]
    assert s["times"] == [2.0, 2.5, 4.0, 4.5]  # calls 1 and 3
    assert s["min"] == 2.0 and s["median"] == 3.25 and s["peak_rss_mb"] == 3


def test_a_baseline_checkout_is_one_more_interleaved_implementation(monkeypatch, tmp_path):
    sys.path.insert(0, str(ROOT))
    from benchmarks import suite
    from benchmarks.report import _before_after

    calls = []

    def fake_worker(impl, name, repeats, threads, quick, baseline=None):
        calls.append((impl, baseline))
        return {"times": [1.0 if impl == "scratchdl" else 2.0], "peak_rss_mb": 1}

    monkeypatch.setattr(suite, "run_worker", fake_worker)
    rows = suite.collect(["W1"], 1, 1, False, with_torch=False, rounds=2, baseline=str(tmp_path))
    impls = [impl for impl, _ in calls]
    assert impls == ["scratchdl", suite.BASE, "numpy"] * 2
    assert {b for _, b in calls} == {str(tmp_path)}
    table = "\n".join(_before_after(rows, ["W1"], str(tmp_path)))
    assert "| W1 | 2.000 / 2.000 | 1.000 / 1.000 | 0.500 (0.500) |" in table
    assert _before_after(rows, ["W1"], None) == []


def test_a_speedup_target_needs_both_median_and_min():
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import _speedup_verdict

    assert _speedup_verdict("W1", 2.6, 2.55).endswith(": met")
    assert "NOT met robustly" in _speedup_verdict("W1", 2.55, 2.4)
    assert _speedup_verdict("W4", 1.9, 1.8).endswith(": NOT met")


def test_ceilings_say_what_the_machine_allows():
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import _ceilings

    rows = {
        ("W4", "torch"): {"median": 0.9},
        ("W4", "numpy"): {"median": 0.5},
        ("W4", "scratchdl"): {"median": 0.52},
    }
    (line,) = _ceilings(rows, ["W4"], {"W4": (0.375, 90.0)})[3:]
    # lean 0.9/0.5; floor 0.9/0.375; at 2x: 0.45 - 0.375 = 0.075 s, 17 % of 0.45 s
    assert "lean NumPy loop is 1.80×" in line and "alone would be 2.40×" in line
    assert "fit in 0.075 s/run (17% of the allowed time)" in line
    assert _ceilings(rows, ["W4"], {}) == []  # quick runs measure no floor


def test_cpu_name_reads_proc_cpuinfo():
    sys.path.insert(0, str(ROOT))
    from benchmarks.suite import _cpu_name

    name = _cpu_name()
    assert isinstance(name, str) and name
    if Path("/proc/cpuinfo").exists() and "cpu family" in Path("/proc/cpuinfo").read_text():
        assert "(family " in name
