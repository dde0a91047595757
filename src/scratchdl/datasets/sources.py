"""The fetch chain: cache -> sources, every result verified by SHA-256, cached atomically.

A dataset is described by a DatasetSpec: the arrays it has (``x_train, y_train, x_test,
y_test``), their shapes and the SHA-256 of each decoded array's raw C-order bytes
(``hashlib.sha256(np.ascontiguousarray(a).tobytes())``). Hashing the decoded arrays instead
of the downloaded files lets every source (Keras's npz, the IDX ``.gz`` files, a CSV inside
a wheel, a Debian package) be checked against the same four constants.

``fetch_arrays(spec, sources, cache_file)``:

1. the cache file (``.npz``, ``allow_pickle=False``) is loaded and verified; a file that
   fails verification is never used and never deleted (it may be the user's own copy):
   it is renamed ``<name>.corrupt-<timestamp>`` and the move is reported in one line; a
   cache that exists but cannot be read raises PermissionError naming the path;
2. each source is tried in order; its arrays are verified; the first that passes is
   written to the cache (temp file in the same directory + ``os.replace``, so a crash never
   leaves a half-written cache) and returned;
3. when all fail, one DatasetUnavailableError names every source, why it failed, and
   what the user can do. No urllib traceback reaches the user.

A *source* is any object with a ``name`` (str) and a ``fetch(spec) -> dict`` method; see
fetchers.py for the real ones. Tests pass their own.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from scratchdl.files import atomic_write

__all__ = [
    "DatasetSpec",
    "DatasetUnavailableError",
    "VerificationError",
    "array_sha256",
    "cache_home",
    "fetch_arrays",
    "load_npz",
    "save_npz_atomic",
    "verify_arrays",
]

KEYS = ("x_train", "y_train", "x_test", "y_test")


class DatasetUnavailableError(RuntimeError):
    """No source could provide verified data; the message lists every attempt."""


class VerificationError(ValueError):
    """Arrays whose keys, shapes, dtypes or SHA-256 differ from the pinned constants."""


@dataclass(frozen=True)
class DatasetSpec:
    """What a verified dataset must look like.

    Attributes:
        name: human name used in messages ("MNIST").
        cache_name: file name of the cache inside the cache home ("mnist.npz").
        shapes: key -> expected shape; every array is uint8.
        sha256: key -> SHA-256 hex digest of the array's raw C-order bytes.
        first_labels: key -> first five labels, a quick human-readable check.
        hint: extra advice for the "what you can do" part of the error; ``{home}`` is
            replaced by the cache directory.
    """

    name: str
    cache_name: str
    shapes: dict
    sha256: dict
    first_labels: dict = field(default_factory=dict)
    hint: str = ""


def cache_home() -> Path:
    """The cache directory: ``$SCRATCHDL_HOME``, else the user cache dir + ``/scratchdl``.

    The user cache dir is ``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches``
    on macOS and ``%LOCALAPPDATA%`` on Windows. The directory is not created here.
    """
    home = os.environ.get("SCRATCHDL_HOME")
    if home:
        return Path(home).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "scratchdl"


def array_sha256(array: np.ndarray) -> str:
    """SHA-256 hex digest of an array's raw bytes in C order (dtype and shape not included)."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def verify_arrays(arrays: dict, spec: DatasetSpec) -> dict:
    """Check keys, dtype uint8, shapes and SHA-256; return the arrays or raise VerificationError."""
    missing = [k for k in spec.shapes if k not in arrays]
    if missing:
        raise VerificationError(f"missing arrays {missing}; expected keys {list(spec.shapes)}")
    for key, shape in spec.shapes.items():
        a = arrays[key]
        if a.dtype != np.uint8 or a.shape != tuple(shape):
            raise VerificationError(
                f"{key} has dtype {a.dtype} and shape {a.shape}; expected uint8 {tuple(shape)}"
            )
        digest = array_sha256(a)
        if digest != spec.sha256[key]:
            raise VerificationError(
                f"{key} SHA-256 {digest[:16]}... differs from the pinned {spec.sha256[key][:16]}..."
            )
    return {k: arrays[k] for k in spec.shapes}


def load_npz(path: str | os.PathLike | IO[bytes], keys: Iterable[str] = KEYS) -> dict:
    """Load ``keys`` from an ``.npz`` without unpickling; damaged files raise ValueError."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in keys if k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"unreadable .npz file {path}: {type(exc).__name__}: {exc}") from None


def save_npz_atomic(path: str | os.PathLike, arrays: dict) -> Path:
    """Write arrays to ``path`` (uncompressed ``.npz``) via a temp file + ``os.replace``."""
    path = Path(path)
    with atomic_write(path, "wb", sync=True) as f:
        np.savez(f, **arrays)
    return path


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or "no details"
    if isinstance(exc, VerificationError):
        return f"verification failed: {text}"
    return f"{type(exc).__name__}: {text}"


def move_aside(path: Path) -> Path:
    """Rename a file that failed verification to ``<name>.corrupt-<timestamp>`` (never delete:
    it may be the user's own copy) and say so in one line on stderr."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    print(f"scratchdl: {path} failed verification; moved it to {target}", file=sys.stderr)
    return target


def _check_readable(cache_file: Path) -> None:
    """PermissionError naming the path when the cache exists but cannot be read."""
    try:
        with open(cache_file, "rb"):
            pass
    except PermissionError:
        raise PermissionError(
            13,
            f"permission denied reading the dataset cache {cache_file}; fix its permissions "
            "or set SCRATCHDL_HOME to another directory",
            str(cache_file),
        ) from None


def _try_cache(spec: DatasetSpec, cache_file: Path, failures: list) -> dict | None:
    label = f"cache file {cache_file}"
    if not cache_file.exists():
        failures.append((label, "not present"))
        return None
    if not cache_file.is_file():
        failures.append((label, "not a regular file (left untouched)"))
        return None
    _check_readable(cache_file)
    try:
        return verify_arrays(load_npz(cache_file, spec.shapes), spec)
    except Exception as exc:  # a cache that cannot be verified is never used
        try:
            target = move_aside(cache_file)
        except OSError as move_exc:
            failures.append((label, f"{_reason(exc)}; could not move it aside: {move_exc}"))
            return None
        failures.append((label, f"{_reason(exc)} (moved to {target.name}; fetching again)"))
        return None


def _try_source(spec: DatasetSpec, source, cache_file: Path | None, failures: list):
    try:
        arrays = verify_arrays(source.fetch(spec), spec)
    except Exception as exc:  # any failure of one source means: try the next one
        failures.append((source.name, _reason(exc)))
        return None
    if cache_file is not None:
        try:
            save_npz_atomic(cache_file, arrays)
        except OSError as exc:
            print(f"scratchdl: could not write the cache {cache_file}: {exc}", file=sys.stderr)
    return arrays


def fetch_arrays(
    spec: DatasetSpec, sources: Sequence, cache_file: str | os.PathLike | None
) -> dict[str, np.ndarray]:
    """Return the verified arrays of ``spec`` from the cache or the first working source.

    Args:
        spec: the dataset description with the pinned SHA-256 constants.
        sources: objects with ``name`` and ``fetch(spec) -> dict of arrays``, tried in order.
        cache_file: where verified arrays are cached; None disables the cache.

    Raises:
        DatasetUnavailableError: every source failed; the message lists them all.
    """
    failures: list = []
    cache_file = None if cache_file is None else Path(cache_file)
    if cache_file is not None:
        arrays = _try_cache(spec, cache_file, failures)
        if arrays is not None:
            return arrays
    for source in sources:
        arrays = _try_source(spec, source, cache_file, failures)
        if arrays is not None:
            return arrays
    raise DatasetUnavailableError(_unavailable_message(spec, failures, cache_file))


def _unavailable_message(spec: DatasetSpec, failures: list, cache_file: Path | None) -> str:
    lines = [f"{spec.name} could not be loaded: every source failed.", "Sources tried:"]
    lines += [f"  {i}. {name}: {why}" for i, (name, why) in enumerate(failures, 1)]
    where = cache_file if cache_file is not None else cache_home() / spec.cache_name
    lines += [
        "What you can do:",
        "  - connect to the internet or to a Python package index and try again;",
        f"  - or put a copy of the data (an .npz with the arrays {list(spec.shapes)}, "
        f"as Keras's file has) at {where};",
    ]
    if spec.hint:
        lines.append("  - " + spec.hint.format(home=where.parent))
    lines.append("  - or set the environment variable SCRATCHDL_HOME to a directory that holds it.")
    return "\n".join(lines)
