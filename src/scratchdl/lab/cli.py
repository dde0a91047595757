"""The ``scratchdl`` command: parses arguments and delegates, nothing else.

Every sub-command imports its module lazily, so ``scratchdl --help`` stays fast
(no NumPy, matplotlib or Optuna import just to print help).

Errors (docs/cli.md): a user's mistake is ONE line on stderr, ``scratchdl: error: ...``
naming the value and what was expected, with exit code 2 for usage (a flag, a TOML key,
an output path) and 1 for a failure at run time (a damaged model file, data that cannot
be fetched, an unreachable database).  ``--debug`` or ``SCRATCHDL_DEBUG=1`` shows the
traceback instead.  See docs/cli.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from scratchdl.lab.errors import UsageError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("scratchdl").strip()
        raise UsageError(f"{command}: {message}" if command else message)


def positive_int(text: str) -> int:
    """An integer >= 1 (``--epochs``, ``--batch-size``, ...)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}")
    return value


def any_int(text: str) -> int:
    """Any integer (``--seed``)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, received {text!r}") from None


def port_number(text: str) -> int:
    """A TCP port 0..65535 (0 picks a free one)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port in 0..65535, received {text!r}")
    return value


def top_k(text: str) -> int:
    """``--top``: how many classes to list, 1..10."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected an integer in 1..10, received {text!r}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # fails every range check below


def dropout_rate(text: str) -> float:
    """``--dropout``: a rate in [0, 1)."""
    value = _float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a rate in [0, 1), received {text!r}")
    return value


def learning_rate(text: str) -> float:
    """``--learning-rate``: a positive finite number."""
    value = _float(text)
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, received {text!r}")
    return value


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="train a small MNIST network and print its accuracy")
    p.add_argument("--epochs", type=positive_int, default=3)
    p.add_argument("--seed", type=any_int, default=0)
    p.set_defaults(
        func=lambda a: _call("scratchdl.lab.demo", "run_demo", epochs=a.epochs, seed=a.seed)
    )


def _add_run(sub) -> None:
    p = sub.add_parser("run", help="reproduce a classic experiment (see --list)")
    p.add_argument("name", nargs="?", help="experiment name, or 'all'")
    p.add_argument("--list", action="store_true", help="list the experiments")
    p.add_argument("--quick", action="store_true", help="small data and few epochs")
    p.add_argument("--seed", type=any_int, default=0)
    p.add_argument("--out", default=None, help="output directory (default runs/NAME)")
    p.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist")
    p.add_argument("--epochs", type=positive_int, default=None)
    p.set_defaults(func=_run_command)


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train a model from flags or a TOML file")
    p.add_argument("--config", help="a TOML file with the same keys as the flags")
    p.add_argument("--layers", default=None, help="hidden units, e.g. 100,100")
    p.add_argument("--activation", default=None)
    p.add_argument("--optimizer", default=None)
    p.add_argument("--learning-rate", type=learning_rate, default=None)
    p.add_argument("--epochs", type=positive_int, default=None)
    p.add_argument("--batch-size", type=positive_int, default=None)
    p.add_argument("--batchnorm", action="store_true", default=None)
    p.add_argument("--dropout", type=dropout_rate, default=None)
    p.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default=None)
    p.add_argument("--seed", type=any_int, default=None)
    p.add_argument("--out", default=None, help="model file to write")
    p.add_argument("--quick", action="store_true")
    p.set_defaults(func=lambda a: _call("scratchdl.lab.train", "command_train", a))


def _add_predict(sub) -> None:
    p = sub.add_parser("predict", help="classify photos of handwritten digits")
    p.add_argument("model", help="a model file written by scratchdl")
    p.add_argument("images", nargs="+", help="PNG/JPEG files")
    p.add_argument("--top", type=top_k, default=3, help="classes to list, 1..10")
    p.set_defaults(func=lambda a: _call("scratchdl.lab.predict", "command_predict", a))


def _add_search(sub) -> None:
    p = sub.add_parser("search", help="hyper-parameter search (Optuna; scales to many machines)")
    from scratchdl.lab.search.command import add_search_arguments

    add_search_arguments(p)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.search.command", "command_search", a))


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="draw a digit in the browser and see the prediction")
    p.add_argument("model", help="a model file written by scratchdl")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8000)
    p.add_argument("--open", action="store_true", help="open a browser")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another Host/Origin name to accept (repeatable), e.g. the machine's name "
        "or address on the class network",
    )
    p.add_argument("--workers", type=positive_int, default=32, help="request threads (32)")
    p.add_argument(
        "--max-predictions", type=positive_int, default=4, help="predictions at once (4)"
    )
    p.add_argument("--timeout", type=positive_int, default=10, help="read timeout, seconds")
    p.set_defaults(
        func=lambda a: _call(
            "scratchdl.lab.web.serve",
            "command_serve",
            model=a.model,
            host=a.host,
            port=a.port,
            open_browser=a.open,
            allowed_hosts=a.allow_host,
            workers=a.workers,
            max_predictions=a.max_predictions,
            timeout=a.timeout,
        )
    )


def _add_gradcheck(sub) -> None:
    p = sub.add_parser("gradcheck", help="check every layer's backward numerically")
    p.add_argument("--seed", type=any_int, default=0)
    p.set_defaults(
        func=lambda a: _call("scratchdl.lab.gradcheck_report", "command_gradcheck", seed=a.seed)
    )


def _add_bench(sub) -> None:
    p = sub.add_parser("bench", help="time training against PyTorch and a lean NumPy loop")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeats", type=positive_int, default=None)
    p.add_argument("--workloads", default=None, help="comma list, e.g. W1,W3")
    p.add_argument("--threads", type=positive_int, default=1)
    p.add_argument("--out", default=None)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.bench", "command_bench", a))


def _add_book(sub) -> None:
    p = sub.add_parser("book", help="helpers for running the book's own scripts")
    book_sub = p.add_subparsers(dest="book_command", metavar="BOOK_COMMAND", required=True)
    q = book_sub.add_parser("sample-weights", help="train and write chapter 3's sample_weight.pkl")
    from scratchdl.lab.book_weights import add_arguments

    add_arguments(q)
    q.set_defaults(func=lambda a: _call("scratchdl.lab.book_weights", "command_sample_weights", a))


def _run_command(args):
    """``scratchdl run``: check the name and --out before any experiment starts."""
    from scratchdl.lab.errors import check_output_dir
    from scratchdl.lab.experiments import REGISTRY

    if args.name is None and not args.list:
        valid = ", ".join([*REGISTRY, "all"])
        raise UsageError(f"run: name an experiment (or --list); valid names: {valid}")
    if args.name is not None and args.name != "all" and args.name not in REGISTRY:
        valid = ", ".join([*REGISTRY, "all"])
        raise UsageError(f"unknown experiment {args.name!r}; valid names: {valid}")
    if args.out is not None:
        check_output_dir(args.out)
    return _call("scratchdl.lab.experiments", "command_run", args)


def _call(module, function, *args, **kwargs):
    import importlib

    return getattr(importlib.import_module(module), function)(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scratchdl",
        description="Deep learning from scratch in readable NumPy: train, reproduce, search.",
    )
    parser.add_argument("--version", action="store_true", help="print the version")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks (also SCRATCHDL_DEBUG=1)"
    )  # main() takes it out of argv wherever it appears
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (
        _add_demo,
        _add_run,
        _add_train,
        _add_predict,
        _add_search,
        _add_serve,
        _add_gradcheck,
        _add_bench,
        _add_book,
    ):
        add(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    """The exception as one line: its lines joined, the type named when it adds meaning."""
    raw = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    text = " ".join(part.strip() for part in raw.splitlines() if part.strip())
    if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in text:
        text = f"{exc.filename}: {text}"
    if _expected(exc) and text:
        return text
    return f"{type(exc).__name__}: {text or 'no details'}"


def _expected(exc: BaseException) -> bool:
    """A failure the message explains fully (no hint to rerun with --debug)."""
    if isinstance(exc, (RecursionError, NotImplementedError)):
        return False
    return isinstance(exc, (ValueError, OSError, RuntimeError))


def _exit_code(exc: BaseException) -> int:
    return 2 if isinstance(exc, UsageError) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``scratchdl ARGS``; return the exit code (0, 1 failure, 2 usage, 130 Ctrl-C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("SCRATCHDL_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]  # accepted before or after the sub-command
    try:
        return _main(argv)
    except KeyboardInterrupt:
        if debug:
            raise
        print("scratchdl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # ``scratchdl run --list | head -1``: the reader left, not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        if debug:
            raise
        hint = "" if _expected(exc) else " (--debug shows more)"
        print(f"scratchdl: error: {_one_line(exc)}{hint}", file=sys.stderr)
        return _exit_code(exc)


def _main(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from scratchdl import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    result = args.func(args)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
