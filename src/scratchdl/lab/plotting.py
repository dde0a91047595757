"""Figures (the only module that imports matplotlib, and only when a figure is drawn).

All figures are written with the non-interactive Agg backend, so they work on
servers and in CI without a display.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from scratchdl.files import atomic_write

if TYPE_CHECKING:  # annotations only: numpy is imported where a figure needs it
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = [
    "pyplot",
    "save_figure",
    "plot_history",
    "plot_lines",
    "plot_histogram_grid",
    "plot_contour_paths",
]


def pyplot() -> ModuleType:
    """matplotlib.pyplot on the Agg backend (imported on first use)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write ``fig`` as PNG atomically (temp file + rename) and close it."""
    path = Path(path)
    try:
        with atomic_write(path, "wb") as f:
            fig.savefig(f, dpi=dpi, format="png", metadata={"Software": None})
    finally:
        pyplot().close(fig)
    return path


def plot_history(history: dict, path: str | os.PathLike, title: str = "") -> Path:
    """Loss and accuracy curves (train solid, validation dashed) from ``History.history``."""
    plt = pyplot()
    keys = [k for k in history if not k.startswith("val_")]
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.5), squeeze=False)
    for ax, key in zip(axes[0], keys):
        epochs = range(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], label=f"train {key}")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], "--", label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def _draw_panel(ax, panel: dict) -> None:
    for line in panel.get("lines", []):
        x = line.get("x", range(len(line["y"])))
        ax.plot(x, line["y"], line.get("style", "-"), label=line.get("label"), lw=1.2)
    for key, setter in (("xlabel", ax.set_xlabel), ("ylabel", ax.set_ylabel)):
        if panel.get(key):
            setter(panel[key])
    if panel.get("ylim") is not None:
        ax.set_ylim(*panel["ylim"])
    for key, setter in (("xscale", ax.set_xscale), ("yscale", ax.set_yscale)):
        if panel.get(key):
            setter(panel[key])
    ax.set_title(panel.get("title", ""), fontsize=9)
    if any(line.get("label") for line in panel.get("lines", [])):
        ax.legend(fontsize=7)


def plot_lines(
    path: str | os.PathLike,
    panels: list,
    title: str = "",
    ncols: int | None = None,
    size: tuple[float, float] = (4.5, 3.2),
) -> Path:
    """A grid of line plots, one panel per dict.

    Each panel: ``{"title", "xlabel", "ylabel", "ylim", "xscale", "yscale", "lines": [{"x", "y",
    "label", "style"}]}`` (all keys optional but ``lines[i]["y"]``); a legend is drawn
    when a line has a label.  Returns the written path.
    """
    plt = pyplot()
    ncols = ncols or min(len(panels), 3)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        if i < len(panels):
            _draw_panel(ax, panels[i])
        else:
            ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_histogram_grid(
    path: str | os.PathLike,
    counts: Sequence[Sequence[Sequence[float]]],
    edges: ArrayLike,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    title: str = "",
) -> Path:
    """Histograms from precomputed ``counts[row][col]`` (bins given by ``edges``).

    Rows are settings (e.g. weight inits), columns are layers -- the layout of the
    weight-initialisation figures of the notes.  Each row is one strip: the column
    histograms side by side (each scaled to its own peak), which draws far faster than
    one axes per histogram.
    """
    import numpy as np

    plt = pyplot()
    edges = np.asarray(edges, dtype=float)
    span = edges[-1] - edges[0]
    step = 1.25 * span
    ncols = len(counts[0])
    fig, axes = plt.subplots(
        len(counts), 1, figsize=(1.3 * ncols + 1, 1.2 * len(counts) + 0.8), squeeze=False
    )
    for ax, row, label in zip(axes[:, 0], counts, row_labels):
        for c, hist in enumerate(row):
            hist = np.asarray(hist, dtype=float)
            peak = hist.max() if hist.max() > 0 else 1.0
            ax.stairs(hist / peak, edges + c * step - edges[0], fill=True)
        ax.set_yticks([])
        ax.set_ylabel(label, fontsize=8)
        ax.set_xlim(-0.1 * span, (ncols - 1) * step + 1.1 * span)
        ax.set_xticks([c * step + span / 2 for c in range(ncols)])
        ax.set_xticklabels([])
    axes[-1, 0].set_xticklabels(col_labels, fontsize=7)
    first = axes[0, 0].get_title()
    axes[0, 0].set_title(title or first, fontsize=9)
    fig.text(0.01, 0.01, f"each histogram: {edges[0]:g} to {edges[-1]:g}, "
             f"{len(edges) - 1} bins, scaled to its peak", fontsize=7)  # fmt: skip
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save_figure(fig, path)


def plot_contour_paths(
    path: str | os.PathLike,
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: dict,
    xlim: tuple[float, float] = (-10, 10),
    ylim: tuple[float, float] = (-5, 5),
    zmax: float = 7.0,
    ncols: int = 2,
) -> Path:
    """Update paths (``{label: (xs, ys)}``) over the contours of ``fn(X, Y)``.

    As the book's optimizer figure: contour levels of ``fn`` with values above ``zmax``
    masked, the path in red with markers, the minimum marked with a plus.
    """
    import numpy as np

    plt = pyplot()
    x = np.arange(xlim[0], xlim[1], 0.01)
    y = np.arange(ylim[0], ylim[1], 0.01)
    X, Y = np.meshgrid(x, y)
    z = fn(X, Y)
    z[z > zmax] = 0
    nrows = -(-len(paths) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 3.6 * nrows), squeeze=False)
    for ax, (label, (xs, ys)) in zip(axes.flat, paths.items()):
        ax.plot(xs, ys, "o-", color="red", markersize=3)
        ax.contour(X, Y, z)
        ax.plot(0, 0, "+")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_title(label, fontsize=9)
    for ax in list(axes.flat)[len(paths) :]:
        ax.axis("off")
    fig.tight_layout()
    return save_figure(fig, path)
