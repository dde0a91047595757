"""``scratchdl search``: the book's hyper-parameter search from the command line.

``scratchdl.lab.cli`` owns the sub-command and delegates::

    p = subparsers.add_parser("search", help="hyper-parameter search (Optuna)")
    add_search_arguments(p)
    p.set_defaults(func=command_search)     # command_search(args) -> exit code
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scratchdl.lab.errors import check_output_dir
from scratchdl.lab.search.results import HEADER
from scratchdl.lab.search.storage import DEFAULT_STUDY, PRUNERS, SAMPLERS

__all__ = ["add_search_arguments", "command_search"]

QUICK_TRIALS, QUICK_EPOCHS = 10, 5
BOOK_TRIALS, BOOK_EPOCHS = 100, 50


def add_search_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``scratchdl search`` options to ``parser`` and return it."""
    parser.add_argument(
        "--trials",
        type=int,
        default=None,
        help=f"total trials of the study, shared by all workers and machines "
        f"(default {BOOK_TRIALS}; {QUICK_TRIALS} with --quick)",
    )
    parser.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    parser.add_argument(
        "--storage",
        default=None,
        help="postgresql://user:pw@host:5432/db to share one study across "
        "machines, or a .db file; default: in memory (1 worker) or "
        "OUT/search.db (several workers)",
    )
    parser.add_argument(
        "--study",
        default=DEFAULT_STUDY,
        help=f"study name; an existing study is resumed (default {DEFAULT_STUDY})",
    )
    parser.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="random",
        help="random = the book's log-uniform draws; tpe = Bayesian (TPE)",
    )
    parser.add_argument(
        "--pruner",
        choices=PRUNERS,
        default="median",
        help="median = stop trials below the median val acc at the same epoch",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="sampler seed (worker k uses seed+k; give each machine its own)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help=f"epochs per trial (default {BOOK_EPOCHS}; {QUICK_EPOCHS} with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a look in seconds: {QUICK_TRIALS} trials of {QUICK_EPOCHS} epochs",
    )
    parser.add_argument(
        "--out",
        default="search-results",
        help="output directory for results.md, results.json, top20.png",
    )
    return parser


def _save(result, out: Path) -> dict:
    """Write the result files; when ``out`` fails, write them to a rescue directory and say
    where in the error, so a finished study is never lost."""
    try:
        return result.save(out)
    except OSError as exc:
        import tempfile

        rescue = Path(tempfile.mkdtemp(prefix="scratchdl-search-rescued-"))
        result.save(rescue)
        raise RuntimeError(
            f"could not write the results to {str(out)!r} ({exc.strerror or exc}); "
            f"they were written to {str(rescue)!r} instead"
        ) from exc


def command_search(args: argparse.Namespace) -> int:
    """Run the book's search as ``args`` say, print the ranked table, write the files.

    Returns the exit code: 0, or 2 after printing the reason for bad input.
    """
    trials = (
        args.trials if args.trials is not None else (QUICK_TRIALS if args.quick else BOOK_TRIALS)
    )
    epochs = (
        args.epochs if args.epochs is not None else (QUICK_EPOCHS if args.quick else BOOK_EPOCHS)
    )
    try:
        if epochs < 1:
            raise ValueError(f"--epochs must be a positive integer, received {epochs}")
        check_output_dir(args.out)  # before the study runs, so its result has a place
        if not args.study.strip() or args.study != args.study.strip():
            raise ValueError(
                f"--study must be a name without surrounding spaces, received {args.study!r}"
            )
        from scratchdl.lab.search.book import BookObjective  # NumPy and Optuna only when searching
        from scratchdl.lab.search.runner import random_search

        result = random_search(
            BookObjective(epochs=epochs),
            None,
            trials,
            sampler=args.sampler,
            seed=args.seed,
            storage=args.storage,
            study_name=args.study,
            workers=args.workers,
            pruner=args.pruner,
            out_dir=args.out,
            verbose=True,
        )
    except ValueError as exc:
        print(f"scratchdl: error: search: {exc}", file=sys.stderr)
        return 2
    print(HEADER)
    for line in result.table():
        print(line)
    paths = _save(result, Path(args.out))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
