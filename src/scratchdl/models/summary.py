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


def _sequential_like(model: Any) -> bool:
    """tf.keras's test: one input per node, no shared layer, no branching."""
    nodes = getattr(model, "_nodes", None)
    if nodes is None or getattr(model, "_subclassed", False):
        return True
    if len(model.inputs) != 1 or len(model.outputs) != 1 or model._shared:
        return False
    used = [id(t) for n in nodes for t in n.input_list]
    return all(len(n.input_list) == 1 for n in nodes) and len(used) == len(set(used))


def _shape_text(model: Any, layer: Any) -> str:
    if not model.built:
        return "?"
    shape = str((None,) + output_shape_of(layer))
    return f"[{shape}]" if type(layer).__name__ == "InputLayer" else shape


def _connections(model: Any, layer: Any) -> list[str]:
    """``['dense[0][0]', ...]``: the inbound layer and its call index of each input."""
    if type(layer).__name__ == "InputLayer":
        return []
    return [
        f"{t.node.layer.name}[{t.node.index}][0]"
        for n in model._nodes
        if n.layer is layer
        for t in n.input_list
    ]


def format_summary(model: Any, line_length: int | None = None) -> str:
    """The summary text of a built or unbuilt model (tf.keras 2.x's table)."""
    graph = not _sequential_like(model)
    width = line_length or (98 if graph else 65)
    fractions = (0.3, 0.6, 0.70, 1.0) if graph else (0.45, 0.85, 1.0)
    stops = [int(width * p) for p in fractions]
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph else [])
    lines = [f'Model: "{model.name}"', "_" * width, _row(header, stops), "=" * width]
    for i, layer in enumerate(model.layers):
        count = sum(v.size for v in layer.weights) if model.built else 0
        fields = [f"{layer.name} ({type(layer).__name__})", _shape_text(model, layer), count]
        if not graph:
            lines.append(_row(fields, stops))
        else:
            links = str(_connections(model, layer)).split("', ")
            links = [s + ("'," if k < len(links) - 1 else "") for k, s in enumerate(links)]
            lines.append(_row([*fields, links[0]], stops))
            lines += [" " * (stops[2] + 2) + link for link in links[1:]]
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
