"""Atomic file writes: a file appears under its name only when completely written.

Every writer of the project (model files, dataset caches, the book's parameter and
pickle files, reports, figures) goes through ``atomic_write``: the bytes go to a
temporary file in the target's folder, which then replaces the target in one
``os.replace``.  A crash or Ctrl-C leaves either the old file or the new one, never
half of one, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write", "file_mode"]


def file_mode() -> int:
    """The mode a new file gets under the user's umask (0o666 & ~umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: str) -> None:
    """Make a rename durable: sync the folder's entry (skipped where a folder cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    sync: bool = False,
    make_parents: bool = True,
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on a clean exit it replaces ``path``.

    Args:
        path: the target file.
        mode: ``"wb"`` (bytes) or ``"w"`` (text, with ``encoding``; UTF-8 by default).
        sync: fsync the file and its folder before returning (model files).
        make_parents: create missing parent folders first.

    The new file gets the user's umask mode (``mkstemp`` alone would leave it 0600).
    On any exception (KeyboardInterrupt too) the temporary file is removed, ``path``
    is left as it was, and the exception propagates.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', received {mode!r}")
    target = Path(path)
    directory = Path(os.path.abspath(target)).parent  # beside the name given (a link too)
    if make_parents:
        directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if mode == "w":
            handle = os.fdopen(fd, "w", encoding=encoding or "utf-8")
        else:
            handle = os.fdopen(fd, "wb")
        with handle:
            yield handle
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    if sync:
        _fsync_directory(str(directory))
