"""The benchmark driver: runs each measurement in a fresh process and writes the report."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.gemm import gemm_peak, workload_floor
from benchmarks.workloads import VARIANTS, WORKLOADS

HERE = Path(__file__).resolve().parent
TARGETS = {"W1": 2.5, "W2": 2.5, "W3": 1.5, "W4": 2.0}  # speed-up over PyTorch eager
REF_WORKLOADS = ("W1", "W2", "W3")  # within 10 % of the lean NumPy loop


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


BASE = "scratchdl@base"  # the scratchdl of another source tree (--baseline), for before/after


def run_worker(impl, name, repeats, threads, quick, baseline=None):
    """One fresh process timing one cell; ``scratchdl@base`` imports scratchdl from ``baseline``."""
    path = [str(HERE.parent)]
    if impl == BASE:
        impl, path = "scratchdl", [str(Path(baseline) / "src"), *path]
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.worker",
        impl,
        name,
        "--repeats",
        str(repeats),
        "--threads",
        str(threads),
    ] + (["--quick"] if quick else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*path, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE.parent)
    if proc.returncode != 0:
        raise RuntimeError(f"{impl} {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def profile_w1_epoch(quick):
    """cProfile of one W1 epoch through fit: the top functions by own time."""
    from benchmarks.worker import _scratchdl_model
    from benchmarks.workloads import load_mnist_float32

    x, y, _, _ = load_mnist_float32()
    if quick:
        x, y = x[:3000], y[:3000]
    model = _scratchdl_model(WORKLOADS["W1"], 0)
    model.fit(x, y, batch_size=100, epochs=1, verbose=0)
    prof = cProfile.Profile()
    prof.enable()
    model.fit(x, y, batch_size=100, epochs=1, verbose=0)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(14)
    return out.getvalue()


def time_predict(threads):
    """Best of 7: predict on the 10 000 test images with a W1 network (batch 32, as Keras)."""
    from threadpoolctl import threadpool_limits

    from benchmarks.worker import _scratchdl_model
    from benchmarks.workloads import load_mnist_float32

    _, _, xt, _ = load_mnist_float32(n_train=10)
    model = _scratchdl_model(WORKLOADS["W1"], 0)
    best = float("inf")
    with threadpool_limits(threads):
        for _ in range(7):
            t0 = time.perf_counter()
            model.predict(xt, verbose=0)
            best = min(best, time.perf_counter() - t0)
    return best


def _merge(results):
    """One row from several processes of the same cell: times pooled, min/median over all."""
    import statistics

    row = dict(results[-1])
    row["times"] = [t for r in results for t in r["times"]]
    row["min"] = min(row["times"])
    row["median"] = statistics.median(row["times"])
    row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    return row


def collect(names, repeats, threads, quick, with_torch, rounds=1, baseline=None):
    """Every (workload, implementation) cell, each in ``rounds`` fresh processes.

    The rounds are interleaved (scratchdl, numpy, torch, scratchdl, numpy, torch, ...)
    so that a change of load on a shared machine falls on every implementation alike
    instead of on whichever ran last; each cell's times are pooled over its rounds.
    With ``baseline`` (a source checkout, e.g. a git worktree of an older commit) its
    scratchdl runs as one more interleaved implementation, ``scratchdl@base``.
    """
    every = ["scratchdl"] + ([BASE] if baseline else []) + ["numpy"]
    every += ["torch"] if with_torch else []
    variants = [v for v in names if v in VARIANTS]  # W1 built other ways: interleaved with W1
    rows = {}
    for name in [n for n in names if n not in VARIANTS] or variants[:1]:
        cells = [(name, impl) for impl in every] if name not in VARIANTS else []
        if name == "W1" or name in VARIANTS:
            cells[1:1] = [(v, "scratchdl") for v in variants]
        results = {cell: [] for cell in cells}
        for k in range(rounds):
            for cell in cells:
                label = f"{cell[0]} {cell[1]} (round {k + 1}/{rounds})"
                print(f"  {label} ...", file=sys.stderr, flush=True)
                results[cell].append(
                    run_worker(cell[1], cell[0], repeats, threads, quick, baseline)
                )
        for cell in cells:
            rows[cell] = _merge(results[cell])
    return rows


def _cpu_name():
    """The CPU's model name and x86 family/model (the targets were set on another CPU)."""
    info = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or platform.machine()
    name = info.get("model name") or platform.machine()
    if "cpu family" in info:
        name += f" (family {info['cpu family']}, model {info.get('model', '?')})"
    return name


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="smoke mode: small data, 1 repeat")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--workloads", default=None, help="comma list, default W1,W2,W3,W4,W5")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="fresh processes per cell, interleaved across implementations (default 2; 1 quick)",
    )
    p.add_argument("--no-torch", action="store_true")
    p.add_argument(
        "--baseline",
        default=None,
        help="a source checkout (e.g. `git worktree add /tmp/base <rev>`) whose scratchdl is "
        "timed in the same run, for before/after ratios",
    )
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    names = a.workloads.split(",") if a.workloads else list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    repeats = a.repeats or (1 if a.quick else 3)
    rounds = a.rounds or (1 if a.quick else 2)
    if rounds < 1 or repeats < 1:
        p.error(f"--rounds and --repeats must be >= 1, received {rounds} and {repeats}")
    with_torch = torch_available() and not a.no_torch
    from benchmarks.report import write_report

    print(
        f"benchmarks: {names}, {rounds} x {repeats} repeats, {a.threads} thread(s), "
        f"torch: {with_torch}",
        file=sys.stderr,
    )
    if a.baseline and not (Path(a.baseline) / "src" / "scratchdl").is_dir():
        p.error(f"--baseline {a.baseline!r} has no src/scratchdl (give a source checkout)")
    rows = collect(names, repeats, a.threads, a.quick, with_torch, rounds, a.baseline)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(a.threads):  # the floor at the thread count the runs used
        floors = {n: workload_floor(n) for n in names if not a.quick and n not in VARIANTS}
        peak = None if a.quick else gemm_peak()
    extra = {
        "peak": peak,
        "floors": floors,
        "predict_s": time_predict(a.threads),
        "profile": profile_w1_epoch(a.quick),
        "machine": f"{_cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "baseline": a.baseline,
    }
    out = Path(a.out) if a.out else (HERE / ("RESULTS-quick.md" if a.quick else "RESULTS.md"))
    main = [n for n in names if n not in VARIANTS]
    extra["variants"] = [n for n in names if n in VARIANTS]
    text = write_report(rows, extra, main, (rounds, repeats), a.threads, a.quick, with_torch, out)
    print(text)
    return 0
