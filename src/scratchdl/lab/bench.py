"""``scratchdl bench``: runs the benchmark suite of a source checkout (``benchmarks/``).

The suite lives beside the package (it compares scratchdl with PyTorch and a
hand-written NumPy loop, which are not part of the library), so this command
looks for it next to the source tree and runs ``python -m benchmarks`` there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["find_suite", "command_bench"]


def find_suite() -> Path | None:
    """The repository root holding ``benchmarks/``, or None for an installed package."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "benchmarks" / "suite.py").is_file() else None


def command_bench(args: argparse.Namespace) -> int:
    root = find_suite()
    if root is None:
        print(
            "scratchdl bench: the benchmark suite ships with the source checkout "
            "(benchmarks/); clone the repository and run it there.",
            file=sys.stderr,
        )
        return 2
    cmd = [sys.executable, "-m", "benchmarks"]
    if args.quick:
        cmd.append("--quick")
    for flag, value in (
        ("--repeats", args.repeats),
        ("--workloads", args.workloads),
        ("--threads", args.threads),
        ("--out", args.out),
    ):
        if value is not None:
            cmd += [flag, str(value)]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.call(cmd, cwd=root, env=env)
