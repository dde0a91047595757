"""The report writer shared by every experiment: result.json, report.md and the printed table.

result.json is deterministic: keys sorted, floats rounded to 6 significant digits, NaN and
infinities written as the strings "nan", "inf", "-inf", no timestamps, no paths, no
runtimes -- so the same ``--seed`` gives a byte-identical file on the same machine.
report.md carries the same table as Markdown plus the figures, the setup and the notes.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from scratchdl.files import atomic_write
from scratchdl.lab.experiments.common import Result

__all__ = [
    "jsonable",
    "result_json",
    "format_value",
    "markdown_table",
    "text_table",
    "write_report",
]

DIGITS = 6
HEADER = ("quantity", "published", "ours", "check", "verdict")


def _round(x: float) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.{DIGITS}g}")


def jsonable(obj: Any) -> Any:
    """``obj`` with NumPy values turned into plain Python and every float rounded."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _round(float(obj))
    if obj is None or isinstance(obj, str):
        return obj
    raise ValueError(f"cannot record {type(obj).__name__} value {obj!r} in result.json")


def result_json(result: Result) -> str:
    """The text of result.json (sorted keys, rounded floats, newline at the end)."""
    record = {
        "experiment": result.name,
        "quick": result.quick,
        "seed": result.seed,
        "config": result.config,
        "rows": [dict(zip(HEADER, _row_values(r))) for r in result.rows],
        "data": result.data,
    }
    return json.dumps(jsonable(record), sort_keys=True, indent=1, allow_nan=False) + "\n"


def _row_values(row):
    return (row.quantity, row.published, row.ours, row.check, row.verdict)


def format_value(value: Any) -> str:
    """A table cell: floats with 4 significant digits, everything else as text."""
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.4g}"
    return str(value)


def _cells(result: Result) -> list[list[str]]:
    return [[format_value(v) for v in _row_values(r)] for r in result.rows]


def markdown_table(result: Result) -> str:
    """The comparison table as Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for cells in _cells(result):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def text_table(result: Result) -> str:
    """The comparison table as aligned plain text (printed at the end of a run)."""
    rows = [list(HEADER), *_cells(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _write_text(path: Path, text: str) -> None:
    """Write atomically (temp file + rename), so a crash never leaves half a file."""
    with atomic_write(path, "w", make_parents=False) as f:
        f.write(text)


def _markdown(result: Result, title: str, figures: list[Path]) -> str:
    mode = (
        "quick (smaller data and fewer epochs)" if result.quick else "default (the published setup)"
    )
    parts = [f"# {title}", "", f"Experiment `{result.name}`, {mode}, seed {result.seed}.", ""]
    parts += ["## Published vs ours", "", markdown_table(result), ""]
    if result.quick:
        parts += [
            "Quick mode shrinks the setup, so its numbers are not expected to match the "
            "published ones; run without `--quick` to reproduce them.",
            "",
        ]
    if result.notes:
        parts += ["## Notes", "", *[f"- {n}" for n in result.notes], ""]
    if figures:
        parts += ["## Figures", "", *[f"![{p.stem}]({p.name})" for p in figures], ""]
    setup = json.dumps(jsonable(result.config), sort_keys=True, indent=1)
    parts += ["## Setup", "", "```json", setup, "```", ""]
    parts += [f"Runtime here: {result.runtime:.1f} s.", ""]
    return "\n".join(parts)


def write_report(
    result: Result, out_dir: str | os.PathLike, title: str, figures: list[Path]
) -> list[Path]:
    """Write result.json and report.md into ``out_dir``; returns every file written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "result.json", out / "report.md"
    _write_text(json_path, result_json(result))
    _write_text(md_path, _markdown(result, title, [Path(f) for f in figures]))
    return [json_path, md_path, *[Path(f) for f in figures]]
