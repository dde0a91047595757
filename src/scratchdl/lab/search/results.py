"""Read a study back: the book's ranked table, a JSON record and the top-20 grid figure.

The book prints, best first (section 6.5.3)::

    Best-1(val acc:0.84) | lr:0.0094, weight decay:2.77e-06

and draws the top 20 trials in a 5 x 4 grid, solid = validation accuracy, dashed = train
accuracy, y from 0 to 1. Every number here comes from the storage (trial values and the
``val_acc``/``train_acc`` user attributes), so any machine that sees the storage can report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scratchdl.files import atomic_write

__all__ = ["SearchResult", "TrialRecord", "format_params", "plot_top_grid", "result_from_study"]

HEADER = "=========== Hyper-Parameter Optimization Result ==========="


@dataclass
class TrialRecord:
    """One trial as stored: value = final val_acc (COMPLETE) or the last reported one (PRUNED)."""

    number: int
    state: str
    value: float | None
    params: dict[str, Any]
    val_acc: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    worker: str = ""
    pruned_at_epoch: int | None = None


def format_params(params: dict[str, Any]) -> str:
    """``lr:0.0094, weight decay:2.77e-06`` (3 significant digits; '_' shown as a space)."""
    parts = []
    for name, value in params.items():
        text = f"{value:.3g}" if isinstance(value, float) else str(value)
        parts.append(f"{name.replace('_', ' ')}:{text}")
    return ", ".join(parts)


def _acc_text(record: TrialRecord) -> str:
    text = f"val acc:{record.value:.3g}"
    if record.state == "PRUNED":
        text += f", pruned at epoch {record.pruned_at_epoch}"
    return text


def print_trial_line(study: Any, trial: Any) -> None:
    """Optuna callback printing the book's per-trial line when a trial ends."""
    record = _record(trial)
    if record.state in ("COMPLETE", "PRUNED") and record.value is not None:
        print(f"{_acc_text(record)} | {format_params(record.params)}", flush=True)


@dataclass
class SearchResult:
    """All trials of one study, with the book's views of them."""

    study_name: str
    storage: str | None
    trials: list[TrialRecord]

    def ranked(self) -> list[TrialRecord]:
        """COMPLETE and PRUNED trials by value, best first (ties: lower trial number first)."""
        done = [t for t in self.trials if t.state in ("COMPLETE", "PRUNED") and t.value is not None]
        return sorted(done, key=lambda t: (-t.value, t.number))

    @property
    def best(self) -> TrialRecord:
        ranked = self.ranked()
        if not ranked:
            raise ValueError(f"study {self.study_name!r} has no finished trial yet")
        return ranked[0]

    def table(self, top: int | None = None) -> list[str]:
        """The book's lines ``Best-k(val acc:v) | lr:..., weight decay:...``, best first."""
        rows = self.ranked()[:top] if top is not None else self.ranked()
        return [
            f"Best-{k}({_acc_text(t)}) | {format_params(t.params)}"
            for k, t in enumerate(rows, start=1)
        ]

    def save(self, out_dir: str | Path, top: int = 20) -> dict[str, Path]:
        """Write results.md (the table), results.json (every trial) and top20.png."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "table": out / "results.md",
            "json": out / "results.json",
            "figure": out / f"top{top}.png",
        }
        lines = [f"# Study `{self.study_name}`", "", "```", HEADER, *self.table(), "```", ""]
        with atomic_write(paths["table"], "w") as f:
            f.write("\n".join(lines))
        record = {
            "study_name": self.study_name,
            "storage": _safe_url(self.storage),
            "trials": [asdict(t) for t in self.trials],
        }
        with atomic_write(paths["json"], "w") as f:
            f.write(json.dumps(record, indent=1))
        plot_top_grid(self, paths["figure"], top=top)
        return paths


def _safe_url(url: str | None) -> str | None:
    """The storage URL without its password (results files get shared)."""
    if url is None or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url


def _record(trial: Any) -> TrialRecord:
    attrs = trial.user_attrs
    value = trial.value
    if value is None and trial.intermediate_values:
        value = trial.intermediate_values[max(trial.intermediate_values)]
    return TrialRecord(
        number=trial.number,
        state=trial.state.name,
        value=value,
        params=dict(trial.params),
        val_acc=list(attrs.get("val_acc", [])),
        train_acc=list(attrs.get("train_acc", [])),
        worker=str(attrs.get("worker", "")),
        pruned_at_epoch=attrs.get("pruned_at_epoch"),
    )


def result_from_study(study: Any, storage: str | None = None) -> SearchResult:
    """Collect every trial of an ``optuna.Study`` into a SearchResult."""
    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    return SearchResult(study.study_name, storage, [_record(t) for t in trials])


def plot_top_grid(result: SearchResult, path: str | Path, top: int = 20, cols: int = 5) -> Path:
    """The book's figure: top trials in a grid, solid = val acc, dashed = train acc."""
    from scratchdl.lab.plotting import plot_lines  # matplotlib only when a figure is drawn

    panels = [
        {"title": f"Best-{i + 1}", "ylim": (0.0, 1.0),
         "lines": [{"y": list(t.val_acc)}, {"y": list(t.train_acc), "style": "--"}]}
        for i, t in enumerate(result.ranked()[:top])
    ]  # fmt: skip
    return Path(plot_lines(path, panels or [{"lines": []}], ncols=cols, size=(2.4, 2.0)))
