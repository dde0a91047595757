"""The lab: every experiment of the class notes and the book, one command each.

    scratchdl run --list
    scratchdl run batchnorm            # the published setup; writes runs/batchnorm/
    scratchdl run all --quick          # every experiment, small, in about a minute

Each experiment is a module of this package (see ``common`` for the shape it follows);
``REGISTRY`` maps the command names to the modules, which are imported only when run.
From Python::

    from scratchdl.lab.experiments import run_experiment
    result = run_experiment("overfitting", quick=True, seed=0, out="runs/overfitting")
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scratchdl.lab.experiments.common import Result

__all__ = [
    "REGISTRY",
    "names",
    "load",
    "make_config",
    "run_experiment",
    "command_run",
    "left_alone_by_epochs",
    "summary",
]

REGISTRY = {
    "weight-init-histograms": (
        "weight_init_histograms",
        "activations through 10 tanh/ReLU layers for std 0.01 / 1.0 / Xavier / He",
    ),
    "weight-init-accuracy": (
        "weight_init_accuracy",
        "TwoLayerNet with std 1e-4 / 0.01 / 1e4; the book's 4x100 net with 0.01 / Xavier / He",
    ),
    "batchnorm": ("batchnorm", "784-50-50-10 sigmoid with and without BN; the book's 16 scales"),
    "activations-optimizers": (
        "activations_optimizers",
        "sigmoid/ReLU x SGD/Adam on raw pixels; the book's six optimizers and their paths",
    ),
    "overfitting": ("overfitting", "300 samples, 6x100 ReLU: baseline, weight decay 0.1, dropout"),
    "hparam-search": ("hparam_search", "the book's random search over lr and weight decay"),
    "early-stopping": ("early_stopping", "ModelCheckpoint + EarlyStopping, best model reloaded"),
    "lr-schedules": ("lr_schedules", "constant vs exponential vs cosine vs cosine restarts"),
    "regularizers": ("regularizers", "none vs L1 vs L2 vs MaxNorm vs Dropout when overfitting"),
    "convnet": ("convnet", "the book's SimpleConvNet (filters before/after) and a Keras CNN"),
}


def names() -> list[str]:
    """The experiment names in their running order."""
    return list(REGISTRY)


def load(name: str) -> ModuleType:
    """The module of experiment ``name`` (imported now)."""
    if name not in REGISTRY:
        raise ValueError(f"unknown experiment {name!r}; valid names: {', '.join(REGISTRY)}, all")
    return importlib.import_module(f"scratchdl.lab.experiments.{REGISTRY[name][0]}")


def make_config(
    name: str,
    quick: bool = False,
    dataset: str | None = None,
    epochs: int | None = None,
    strict: bool = True,
) -> Any:
    """The config of ``name`` (quick or default) with the command-line overrides applied.

    ``dataset`` replaces the ``dataset`` field and ``epochs`` the ``epochs`` field and every
    variant's ``*_epochs`` field (``dropout_epochs``, ``book_epochs``), so ``--epochs N``
    applies to every variant of the experiment; an
    override the experiment has no field for raises ValueError naming its settings
    (``strict``) or is skipped (``strict=False``, as ``run all`` does).
    """
    module = load(name)
    config = module.Config()
    if quick:
        config = config.quick()
    fields = {f.name for f in dataclasses.fields(config)}
    changes = {}
    for key, value in (("dataset", dataset), ("epochs", epochs)):
        if value is None:
            continue
        if key not in fields:
            if not strict:
                continue
            raise ValueError(
                f"experiment {name!r} has no {key!r} setting (received {key}={value!r}); "
                f"its settings are: {', '.join(sorted(fields))}"
            )
        if key == "epochs" and (isinstance(value, bool) or int(value) != value or value < 1):
            raise ValueError(f"epochs must be a positive integer, received epochs={value!r}")
        changes[key] = value
        if key == "epochs":  # every variant: dropout_epochs, book_epochs, ...
            changes.update({f: value for f in sorted(fields) if f.endswith("_epochs")})
    return dataclasses.replace(config, **changes)


def left_alone_by_epochs(config: Any) -> list[str]:
    """Settings ``--epochs`` does not change: the book variants that count iterations."""
    return sorted(f.name for f in dataclasses.fields(config) if f.name.endswith("_iters"))


def run_experiment(
    name: str,
    quick: bool = False,
    seed: int = 0,
    out: str | os.PathLike | None = None,
    dataset: str | None = None,
    epochs: int | None = None,
    echo: bool = True,
    strict: bool = True,
) -> Result:
    """Run one experiment, write its report into ``out`` (default ``runs/NAME``).

    Returns the ``Result``.  ``echo`` prints the comparison table at the end.
    """
    import numpy as np

    from scratchdl.lab.experiments.common import Timer, blas_threads
    from scratchdl.lab.experiments.report import text_table

    module = load(name)
    config = make_config(name, quick, dataset, epochs, strict)
    out_dir = Path(out) if out is not None else Path("runs") / name
    if hasattr(config, "checkpoint_dir") and config.checkpoint_dir is None:
        config = dataclasses.replace(config, checkpoint_dir=str(out_dir / "checkpoints"))
    with blas_threads(1), Timer() as timer:
        result = module.run(config, np.random.default_rng(seed))
    result.seed, result.quick, result.runtime = seed, bool(quick), timer.seconds
    files = _report_or_rescue(module, result, out_dir)
    if echo:
        print(f"\n== {name}: {module.TITLE} ({timer.seconds:.1f} s) ==")
        print(text_table(result))
        print(f"wrote {len(files)} files to {out_dir}/\n", flush=True)
    return result


def _report_or_rescue(module, result, out_dir: Path) -> list:
    """Write the report; when ``out_dir`` fails at the end of a long run, write it to a
    rescue directory and name that directory in the error, so the run is never lost."""
    try:
        return module.report(result, out_dir)
    except OSError as exc:
        import tempfile

        rescue = Path(tempfile.mkdtemp(prefix=f"scratchdl-run-{result.name}-rescued-"))
        module.report(result, rescue)
        raise RuntimeError(
            f"could not write the report to {str(out_dir)!r} ({exc.strerror or exc}); "
            f"it was written to {str(rescue)!r} instead"
        ) from exc


def _print_list() -> None:
    width = max(len(n) for n in REGISTRY)
    for n, (_, summary) in REGISTRY.items():
        print(f"{n.ljust(width)}  {summary}")


def command_run(args: argparse.Namespace) -> int:
    """``scratchdl run``: ``--list``, one experiment, or ``all``; returns the exit code."""
    if args.list:
        _print_list()
        return 0
    if not args.name:
        print("scratchdl run: name an experiment (or 'all'); the experiments are:")
        _print_list()
        return 2
    todo = names() if args.name == "all" else [args.name]
    results = []
    if args.name != "all" and args.name not in REGISTRY:
        print(f"scratchdl run: unknown experiment {args.name!r}; valid names: "
              f"{', '.join(REGISTRY)}, all")  # fmt: skip
        return 2
    for name in todo:
        out = args.out
        if out is not None and args.name == "all":
            out = str(Path(out) / name)
        strict = args.name != "all"
        try:
            config = make_config(name, args.quick, _dataset(args), args.epochs, strict)
        except ValueError as exc:
            print(f"scratchdl run {name}: {exc}")
            return 2
        untouched = left_alone_by_epochs(config) if args.epochs is not None else []
        if untouched:
            print(
                f"scratchdl run {name}: --epochs {args.epochs} applies to every variant "
                f"except {', '.join(untouched)} (the book's variant counts iterations)"
            )
        result = run_experiment(
            name, args.quick, args.seed, out, _dataset(args), args.epochs, strict=strict
        )
        results.append(result)
    if len(results) > 1:
        print(summary(results))
    return 0


def summary(results: Sequence[Result]) -> str:
    """One line per experiment: checks reproduced out of checks made, and the runtime."""
    lines = ["== summary ==", f"{'experiment':<24} {'reproduced':>10}  runtime"]
    total = 0.0
    for r in results:
        checked = [row for row in r.rows if row.verdict != "no published number"]
        ok = sum(row.verdict == "reproduced" for row in checked)
        lines.append(f"{r.name:<24} {f'{ok}/{len(checked)}':>10}  {r.runtime:6.1f} s")
        total += r.runtime
    lines.append(f"{'all':<24} {'':>10}  {total:6.1f} s")
    return "\n".join(lines)


def _dataset(args):
    """The CLI's default dataset is mnist; pass it on only when the user chose another."""
    dataset = getattr(args, "dataset", None)
    return None if dataset in (None, "mnist") else dataset
