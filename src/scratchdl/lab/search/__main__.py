"""``python -m scratchdl.lab.search [options]``: the same as ``scratchdl search``."""

from __future__ import annotations

import argparse
import sys

from scratchdl.lab.search.command import add_search_arguments, command_search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scratchdl.lab.search")
    add_search_arguments(parser)
    return command_search(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
