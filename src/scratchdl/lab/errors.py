"""Errors of the lab's commands, and the checks every command shares.

``UsageError`` is a mistake in what the user typed (a flag, a TOML key, an output path):
the command line prints it as one line and exits with code 2.  Other failures (a damaged
model file, an unreachable database, data that cannot be fetched) exit with code 1.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["UsageError", "check_output_file", "check_output_dir"]


class UsageError(ValueError):
    """A command-line mistake: the value and what was expected (exit code 2)."""


def _writable_parent(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise UsageError(f"{what} {str(path)!r}: the directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise UsageError(f"{what} {str(path)!r}: {str(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {str(path)!r}: the directory {str(parent)!r} is not writable")


def check_output_file(path: str | os.PathLike, what: str = "--out") -> Path:
    """Refuse an output file path before any work: a directory, a missing or read-only parent,
    or an existing file that cannot be overwritten."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{what} {str(path)!r} is a directory; expected a file name")
    if path.exists() and not path.is_file():
        raise UsageError(f"{what} {str(path)!r} exists and is not a regular file")
    _writable_parent(path, what)
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{what} {str(path)!r} exists and is not writable")
    return path


def check_output_dir(path: str | os.PathLike, what: str = "--out") -> Path:
    """Refuse an output directory before any work: a file in its place or above it, or a
    location where it cannot be created or written."""
    path = Path(path)
    for ancestor in [path, *path.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UsageError(
                    f"{what} {str(path)!r}: {str(ancestor)!r} is a file, expected a directory"
                )
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise UsageError(f"{what} {str(path)!r}: {str(ancestor)!r} is not writable")
            return path
    return path
