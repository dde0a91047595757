"""The ``scratchdl`` command: parses arguments and delegates, nothing else.

Every sub-command imports its module lazily, so ``scratchdl --help`` stays fast
(no NumPy, matplotlib or Optuna import just to print help).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _add_demo(sub):
    p = sub.add_parser("demo", help="train a small MNIST network and print its accuracy")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(
        func=lambda a: _call("scratchdl.lab.demo", "run_demo", epochs=a.epochs, seed=a.seed)
    )


def _add_run(sub):
    p = sub.add_parser("run", help="reproduce a classic experiment (see --list)")
    p.add_argument("name", nargs="?", help="experiment name, or 'all'")
    p.add_argument("--list", action="store_true", help="list the experiments")
    p.add_argument("--quick", action="store_true", help="small data and few epochs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output directory (default runs/NAME)")
    p.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist")
    p.add_argument("--epochs", type=int, default=None)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.experiments", "command_run", a))


def _add_train(sub):
    p = sub.add_parser("train", help="train a model from flags or a TOML file")
    p.add_argument("--config", help="a TOML file with the same keys as the flags")
    p.add_argument("--layers", default=None, help="hidden units, e.g. 100,100")
    p.add_argument("--activation", default=None)
    p.add_argument("--optimizer", default=None)
    p.add_argument("--learning-rate", type=float, default=None)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--batchnorm", action="store_true", default=None)
    p.add_argument("--dropout", type=float, default=None)
    p.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out", default=None, help="model file to write")
    p.add_argument("--quick", action="store_true")
    p.set_defaults(func=lambda a: _call("scratchdl.lab.train", "command_train", a))


def _add_predict(sub):
    p = sub.add_parser("predict", help="classify photos of handwritten digits")
    p.add_argument("model", help="a model file written by scratchdl")
    p.add_argument("images", nargs="+", help="PNG/JPEG files")
    p.add_argument("--top", type=int, default=3)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.train", "command_predict", a))


def _add_search(sub):
    p = sub.add_parser("search", help="hyper-parameter search (Optuna; scales to many machines)")
    from scratchdl.lab.search.command import add_search_arguments

    add_search_arguments(p)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.search.command", "command_search", a))


def _add_serve(sub):
    p = sub.add_parser("serve", help="draw a digit in the browser and see the prediction")
    p.add_argument("model", help="a model file written by scratchdl")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--open", action="store_true", help="open a browser")
    p.set_defaults(
        func=lambda a: _call(
            "scratchdl.lab.web.serve",
            "command_serve",
            model=a.model,
            host=a.host,
            port=a.port,
            open_browser=a.open,
        )
    )


def _add_gradcheck(sub):
    p = sub.add_parser("gradcheck", help="check every layer's backward numerically")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(
        func=lambda a: _call("scratchdl.lab.gradcheck_report", "command_gradcheck", seed=a.seed)
    )


def _add_bench(sub):
    p = sub.add_parser("bench", help="time training against PyTorch and a lean NumPy loop")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--workloads", default=None, help="comma list, e.g. W1,W3")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=None)
    p.set_defaults(func=lambda a: _call("scratchdl.lab.bench", "command_bench", a))


def _add_book(sub):
    p = sub.add_parser("book", help="helpers for running the book's own scripts")
    book_sub = p.add_subparsers(dest="book_command", metavar="BOOK_COMMAND", required=True)
    q = book_sub.add_parser("sample-weights", help="train and write chapter 3's sample_weight.pkl")
    from scratchdl.lab.book_weights import add_arguments

    add_arguments(q)
    q.set_defaults(func=lambda a: _call("scratchdl.lab.book_weights", "command_sample_weights", a))


def _call(module, function, *args, **kwargs):
    import importlib

    return getattr(importlib.import_module(module), function)(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scratchdl",
        description="Deep learning from scratch in readable NumPy: train, reproduce, search.",
    )
    parser.add_argument("--version", action="store_true", help="print the version")
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


def main(argv=None) -> int:
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
