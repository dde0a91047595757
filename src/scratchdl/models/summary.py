"""``model.summary()``: tf.keras 2.x's table (what the class notes show).

Layout (tf.keras 2.13+): line length 65, column stops at 45 %, 85 %, 100 %, a blank
line after each layer, and parameter totals with their memory size.  The notes'
older tf.keras (<= 2.12) printed no memory size; the table is otherwise the same.
"""

from __future__ import annotations

from typing import Any

from scratchdl.models.nesting import output_shape_of

__all__ = ["format_summary", "format_bytes"]


def format_bytes(n_bytes: float) -> str:
    """``196.25 KB``-style sizes: bytes / 1024**k with units Byte, KB, MB, GB."""
    units = ["Byte", "KB", "MB", "GB"]
    k = 0
    while n_bytes >= 1024 and k < len(units) - 1:
        n_bytes /= 1024.0
        k += 1
    return f"{n_bytes:.2f} {units[k]}"


def _row(fields, stops):
    line, start = "", 0
    for field, stop in zip(fields, stops):
        cell = " " + str(field)
        line += cell[: stop - start].ljust(stop - start)
        start = stop
    return line


def format_summary(model: Any, line_length: int | None = None) -> str:
    """The summary text of a built or unbuilt ``Sequential``."""
    width = line_length or 65
    stops = [int(width * p) for p in (0.45, 0.85, 1.0)]
    lines = [f'Model: "{model.name}"', "_" * width]
    lines.append(_row(["Layer (type)", "Output Shape", "Param #"], stops))
    lines.append("=" * width)
    for i, layer in enumerate(model.layers):
        shape = "?" if not model.built else str((None,) + output_shape_of(layer))
        count = sum(v.size for v in layer.weights) if model.built else 0
        lines.append(_row([f"{layer.name} ({type(layer).__name__})", shape, count], stops))
        if i < len(model.layers) - 1:
            lines.append(" " * width)
    lines.append("=" * width)
    if not model.built:
        lines.append("Total params: 0 (unbuilt)")
    else:
        itemsize = model.dtype.itemsize
        trainable = sum(v.size for v in model.trainable_weights)
        total = model.count_params()
        for label, n in (
            ("Total", total),
            ("Trainable", trainable),
            ("Non-trainable", total - trainable),
        ):
            lines.append(f"{label} params: {n} ({format_bytes(n * itemsize)})")
    lines.append("_" * width)
    return "\n".join(lines)
