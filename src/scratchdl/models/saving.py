"""Safe, atomic model files: one ``.npz`` with JSON metadata and plain NumPy arrays.

File layout (a ZIP archive readable by ``np.load(path, allow_pickle=False)``)::

    __meta__.npy            0-d unicode array: JSON text
                            {"format": "scratchdl", "format_version": 1, "meta": <meta>}
    <name>.npy              one entry per array, e.g. "dense_1/kernel.npy"

Why this format (docs/architecture.md):
- Loading never unpickles and never executes anything: every entry is read with
  ``allow_pickle=False``, so an object array (which would need pickle) is refused
  with ``ModelFileError`` instead of being loaded. The metadata is JSON text, parsed
  with ``json.loads``; nothing in the file names code to run.
- Writes are atomic: the archive is written to a temporary file in the target's
  directory, flushed and ``fsync``'d, then moved over the target with ``os.replace``
  (atomic on POSIX and Windows). A crash or an exception mid-write leaves the
  previous file untouched and removes the temporary file.
- Entries are stored uncompressed (``ZIP_STORED``, like ``np.savez``): float weights
  compress by only a few per cent, while deflate would cost time on every checkpoint
  (ModelCheckpoint and BackupAndRestore save each epoch) and on every load.
- The file name is used exactly as given, whatever its extension (``.keras``, ``.h5``,
  ``.hdf5``, ``.npz`` or none): we write through a file object, so NumPy never appends
  ``.npz``.

Convention: Keras writes ``.keras`` as a zip of JSON + HDF5 and ``.h5`` as HDF5;
scratchdl writes this one format under any name (see docs/keras-reference.md A10).
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from scratchdl.files import atomic_write

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "META_KEY",
    "MAX_MODEL_BYTES",
    "ModelFileError",
    "json_depth",
    "load_npz_safe",
    "save_npz_atomic",
]

FORMAT = "scratchdl"
FORMAT_VERSION = 1
META_KEY = "__meta__"


class ModelFileError(ValueError):
    """A model file that exists but cannot be read safely (damaged, foreign or hostile)."""


def _write_member(archive, name, array):
    """Write one array as ``<name>.npy`` into the open zip ``archive`` (never pickles)."""
    with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
        np.lib.format.write_array(member, array, allow_pickle=False)


def _check_arrays(arrays):
    """Validate names and dtypes before anything touches the disk; return ndarrays."""
    checked = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"array names must be non-empty strings, received {name!r}")
        if name == META_KEY:
            raise ValueError(f"the array name {META_KEY!r} is reserved for the metadata")
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise ValueError(
                f"array {name!r} has dtype {array.dtype}, which would need pickle; "
                "expected a numeric, bool or string array"
            )
        checked[name] = array
    return checked


def _meta_text(meta):
    if not isinstance(meta, dict):
        raise ValueError(f"meta must be a dict, received {type(meta).__name__}")
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "meta": meta}
    try:
        return json.dumps(header)
    except (TypeError, ValueError) as err:
        raise ValueError(f"meta must be JSON-serialisable: {err}") from None


def save_npz_atomic(
    path: str | os.PathLike[str], meta: dict[str, Any], arrays: Mapping[str, np.ndarray]
) -> None:
    """Write ``meta`` (JSON-serialisable dict) and ``arrays`` to ``path`` atomically.

    Args:
        path: target file name (str or PathLike); any extension, parent directories
            are created.
        meta: dict of JSON-serialisable values (config, epoch, ...).
        arrays: dict name -> array; names may contain "/" (``"dense_1/kernel"``);
            object arrays are refused (ValueError).

    The file appears under ``path`` only when completely written and synced.
    """
    text = _meta_text(meta)
    checked = _check_arrays(arrays)
    with (
        atomic_write(path, "wb", sync=True) as handle,
        zipfile.ZipFile(handle, mode="w", compression=zipfile.ZIP_STORED) as archive,
    ):
        _write_member(archive, META_KEY, np.array(text))
        for name, array in checked.items():
            _write_member(archive, name, array)


MAX_MODEL_BYTES = 1 << 30  # 1 GiB of uncompressed entries: far above any model of the course
MAX_META_BYTES = 8 << 20  # the JSON metadata: configs are a few kB
MAX_JSON_DEPTH = 64  # configs nest about 6 deep
MAX_COMPRESSION_RATIO = 20  # float weights deflate by a few per cent; a zip bomb by 1000:1


def _read_header(member):
    major, _ = np.lib.format.read_magic(member)
    if major == 1:
        return np.lib.format.read_array_header_1_0(member)
    return np.lib.format.read_array_header_2_0(member)


def _check_entry_size(path, info, file_size):
    """Uncompressed size against the file size, the compression ratio, and the caps."""
    if info.compress_type == zipfile.ZIP_STORED:
        limit, why = min(info.compress_size, file_size), "its stored size"
    else:
        limit = max(info.compress_size * MAX_COMPRESSION_RATIO, 1 << 16)
        why = f"{MAX_COMPRESSION_RATIO}x its compressed size"
    if info.file_size > limit:
        raise ModelFileError(
            f"{path}: entry {info.filename!r} claims {info.file_size} bytes uncompressed, "
            f"more than {why} ({limit} bytes); damaged or hostile file, nothing was allocated"
        )
    if info.filename == META_KEY + ".npy" and info.file_size > MAX_META_BYTES:
        raise ModelFileError(
            f"{path}: the metadata entry is {info.file_size} bytes; the limit is {MAX_META_BYTES}"
        )


def _check_member(path, archive, info, file_size):
    """Refuse object arrays and headers that promise more data than the file can hold.

    This runs before NumPy allocates anything, so a hostile header declaring a huge
    shape cannot make the loader reserve memory it will never fill.
    """
    _check_entry_size(path, info, file_size)
    with archive.open(info) as member:
        shape, _, dtype = _read_header(member)
    name = info.filename.removesuffix(".npy")
    if dtype.hasobject:
        raise ModelFileError(
            f"{path}: entry {name!r} holds a pickled object array; scratchdl "
            "never unpickles, so the file was refused"
        )
    if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > info.file_size:
        raise ModelFileError(
            f"{path}: entry {name!r} declares shape {shape} of {dtype}, "
            "more data than it holds (damaged or hostile file)"
        )


def _check_members(path):
    file_size = os.path.getsize(path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > MAX_MODEL_BYTES:
            raise ModelFileError(
                f"{path}: the entries add up to {total} bytes uncompressed; the limit is "
                f"{MAX_MODEL_BYTES} bytes (1 GiB), nothing was allocated"
            )
        for info in infos:
            _check_member(path, archive, info, file_size)


def _read_all(path, npz):
    arrays = {}
    for name in npz.files:
        try:
            arrays[name] = npz[name]
        except ValueError as err:
            if "allow_pickle" in str(err):
                raise ModelFileError(
                    f"{path}: entry {name!r} holds a pickled object array; scratchdl "
                    "never unpickles, so the file was refused"
                ) from None
            raise ModelFileError(f"{path}: entry {name!r} is damaged ({err})") from None
        except (OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
            raise ModelFileError(f"{path}: entry {name!r} is damaged ({err})") from None
    return arrays


def _parse_meta(path, arrays):
    if META_KEY not in arrays:
        raise ModelFileError(f"{path}: no {META_KEY!r} entry; not a scratchdl model file")
    raw = arrays.pop(META_KEY)
    if raw.dtype.kind != "U" or raw.ndim != 0:
        raise ModelFileError(
            f"{path}: {META_KEY!r} must be a JSON text scalar, "
            f"found dtype {raw.dtype} shape {raw.shape}"
        )
    text = str(raw)
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ModelFileError(
            f"{path}: the metadata JSON nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}"
        )
    try:
        header = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(f"{path}: metadata is not valid JSON ({err})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else header
        raise ModelFileError(f"{path}: format is {found!r}, expected {FORMAT!r}")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: format_version is {version!r}; this scratchdl reads "
            f"format_version {FORMAT_VERSION} (newer files need a newer "
            "scratchdl)"
        )
    if not isinstance(header.get("meta"), dict):
        raise ModelFileError(f"{path}: metadata has no 'meta' object")
    return header["meta"]


def json_depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON ``text`` (brackets inside strings ignored)."""
    outside_strings = _JSON_STRING.sub("", text)
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(outside_strings):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def _check_regular_file(path):
    """FileNotFoundError, or ModelFileError naming the true cause: a directory, a FIFO or
    device (reading it could hang), or a file this user may not read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(2, f"No such model file: {path!r}", path) from None
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied (cannot reach the file)") from None
    if stat.S_ISDIR(info.st_mode):
        raise ModelFileError(f"{path}: is a directory, expected a scratchdl model file")
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(
            f"{path}: not a regular file (a FIFO, socket or device); expected a model file"
        )
    if not os.access(path, os.R_OK):
        raise ModelFileError(f"{path}: permission denied (the file is not readable)")


def load_npz_safe(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a file written by ``save_npz_atomic``; return ``(meta, arrays)``.

    Raises:
        FileNotFoundError: no file at ``path`` (the message names it).
        ModelFileError (a ValueError): permission denied, a directory or another
            non-regular file, not a zip/npz, truncated, entries larger than the file
            can hold (or than ``MAX_MODEL_BYTES``), an object (pickled) array, metadata
            missing, too large or nested deeper than ``MAX_JSON_DEPTH``, or another
            format or format_version. Nothing is ever unpickled, and sizes are checked
            before anything is allocated.
    """
    path = os.fspath(path)
    _check_regular_file(path)
    try:
        is_zip = zipfile.is_zipfile(path)
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied (the file is not readable)") from None
    if not is_zip:
        raise ModelFileError(
            f"{path}: not a scratchdl model file (not a zip/npz archive; "
            "damaged, truncated or another format such as HDF5)"
        )
    try:
        _check_members(path)
        with np.load(path, allow_pickle=False) as npz:
            arrays = _read_all(path, npz)
    except ModelFileError:
        raise
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied (the file is not readable)") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ModelFileError(f"{path}: cannot be read as a scratchdl model file ({err})") from None
    return _parse_meta(path, arrays), arrays
