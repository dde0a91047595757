"""Read and write IDX files, the format MNIST and Fashion-MNIST are published in.

Format (LeCun et al., http://yann.lecun.com/exdb/mnist/, section "FILE FORMATS"):

    bytes 0-1   0x00 0x00
    byte  2     type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64 (multi-byte values are big-endian)
    byte  3     number of dimensions d
    then        d sizes, each a big-endian uint32
    then        the data in C order, exactly prod(sizes) items

So the label files start with magic 0x00000801 (1-D) and the image files with 0x00000803
(3-D: n, 28, 28). A file may be gzip-compressed (the published ``*.gz``); the gzip magic
``1f 8b`` is detected from the content, not from the file name.

Convention: the book and Keras skip a fixed header (``np.frombuffer(..., offset=16)``) and
never look at it; here the header is checked, so a wrong or truncated file raises a
ValueError that says what was expected instead of returning garbage.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import BinaryIO

import numpy as np

from scratchdl.files import atomic_write

__all__ = ["IDX_DTYPES", "parse_idx", "read_idx", "write_idx"]

#: IDX type code -> big-endian NumPy dtype.
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _decompress_if_gzip(data: bytes, name: str) -> bytes:
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise ValueError(f"{name}: damaged gzip data ({exc})") from None


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an IDX file (raw or gzip) into a native-endian array.

    Args:
        data: the file content.
        name: used in error messages (e.g. the file name).

    Returns:
        An array of shape ``sizes`` (read from the header) in native byte order; uint8
        files give uint8 arrays.

    Raises:
        ValueError: wrong magic number, unknown type code, or a data size that does not
            match the header (truncated or padded file).
    """
    data = _decompress_if_gzip(bytes(data), name)
    if len(data) < 4:
        raise ValueError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    zero, code, ndim = data[:2], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero != b"\x00\x00" or code not in IDX_DTYPES:
        raise ValueError(
            f"{name}: bad IDX magic number 0x{magic:08X}; expected 0x0000TTDD with type code "
            f"TT in {sorted(hex(c) for c in IDX_DTYPES)} (e.g. 0x00000803 for MNIST images)"
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{name}: header announces {ndim} dimensions but the file ends early")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_size
    if actual != expected:
        raise ValueError(
            f"{name}: size mismatch: header says shape {shape} ({expected} data bytes), "
            f"file has {actual} data bytes"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)


def read_idx(source: str | os.PathLike | BinaryIO) -> np.ndarray:
    """Read an IDX file (raw or ``.gz``) from a path or a binary file object; see parse_idx."""
    if hasattr(source, "read"):
        return parse_idx(source.read(), name=str(getattr(source, "name", "<file>")))
    path = Path(source)
    return parse_idx(path.read_bytes(), name=str(path))


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as an IDX file; gzip it when ``compress`` or the name ends in ``.gz``.

    Used to make small test files and to export arrays for other tools.
    """
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): c for c, dt in IDX_DTYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise ValueError(
            f"write_idx: dtype {array.dtype} has no IDX type code; "
            f"expected one of {sorted(str(d) for d in codes)}"
        )
    code = codes[native]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    payload = header + np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    path = Path(path)
    if compress or (compress is None and path.suffix == ".gz"):
        payload = gzip.compress(payload)
    with atomic_write(path, "wb", make_parents=False) as f:
        f.write(payload)
