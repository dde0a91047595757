"""Several outputs: one loss per output, weighted, and metrics per output (tf.keras's names).

    L = sum_i w_i * L_i(y_i, out_i)  (+ penalties, added by the model)
    dL/d out_i = w_i * dL_i/d out_i

``OutputLosses`` keeps the per-output losses behind the one-loss interface the
training loop uses (``forward``, ``backward`` — here one seed per output).  Logs
follow tf.keras 2.x (docs/keras-reference.md A12): ``loss`` (the weighted total),
then ``<output>_loss`` (each *unweighted* L_i), then ``<output>_<metric>``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl import losses as losses_module
from scratchdl import metrics as metrics_module

__all__ = ["OutputLosses", "LossTracker", "OutputMetric", "per_output"]


def per_output(value: Any, names: list, what: str, default: Any = None) -> list:
    """A list with one entry per output from a single value, a list or a dict of names."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"{what} names unknown outputs {unknown}; the outputs are {names}")
        return [value.get(n, default) for n in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(
                f"{what} has {len(value)} entries for {len(names)} outputs {names}; "
                "give one per output (or a dict keyed by output name)"
            )
        return list(value)
    return [value] * len(names)


class OutputLosses:
    """The losses of a multi-output model, weighted (``loss_weights``), as one loss."""

    name = "loss"
    fuses_with = None

    def __init__(self, losses: Any, names: list, loss_weights: Any = None) -> None:
        specs = per_output(losses, names, "loss")
        if any(s is None for s in specs):
            raise ValueError(f"every output needs a loss; outputs: {names}")
        self.losses = [losses_module.get(s) for s in specs]
        weights = per_output(1.0 if loss_weights is None else loss_weights, names, "loss_weights")
        self.weights = [float(w) for w in weights]
        self.names = list(names)
        self.last = [0.0] * len(names)

    def forward(self, outs: list, ys: Any, sample_weight: Any = None) -> float:
        ys = ys.arrays if hasattr(ys, "arrays") else ys
        self.last = [
            float(loss.forward(o, y, sample_weight)) for loss, o, y in zip(self.losses, outs, ys)
        ]
        return float(sum(w * v for w, v in zip(self.weights, self.last)))

    forward_trusted = forward

    def seeds(self, fused: list) -> list:
        """dL/d out_i (or dL/dz_i where output i's activation is fused with its loss)."""
        return [
            w * (loss.fused_backward() if f else loss.backward())
            for w, loss, f in zip(self.weights, self.losses, fused)
        ]


class LossTracker(metrics_module.Metric):
    """``<output>_loss``: the running mean of one output's unweighted loss."""

    direction = "down"

    def __init__(self, losses: OutputLosses, index: int) -> None:
        super().__init__(f"{losses.names[index]}_loss")
        self._losses, self._index = losses, index

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        n = len(y_pred[0]) if isinstance(y_pred, list) else len(y_pred)
        self.total += self._losses.last[self._index] * n
        self.count += n


class OutputMetric(metrics_module.Metric):
    """A metric of one output, named ``<output>_<name>`` (tf.keras's key)."""

    def __init__(self, metric: metrics_module.Metric, index: int, prefix: str) -> None:
        super().__init__(f"{prefix}{metric.name}")
        self.inner, self._index = metric, index
        self.direction = getattr(metric, "direction", None)

    def reset_state(self) -> None:
        if hasattr(self, "inner"):
            self.inner.reset_state()

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        ys = y_true.arrays if hasattr(y_true, "arrays") else y_true
        self.inner.update_state(ys[self._index], y_pred[self._index], sample_weight)

    def result(self) -> float:
        return float(self.inner.result())


def output_metrics(specs: Any, names: list, ys: list, outs_shapes: list, dtype: Any) -> list:
    """Metric objects for each output (a list applies to every output; a dict by name)."""
    per = per_output(specs, names, "metrics", default=[]) if isinstance(specs, dict) else None
    result = []
    for i, name in enumerate(names):
        chosen = per[i] if per is not None else specs
        chosen = chosen if isinstance(chosen, (list, tuple)) else [chosen]
        probe = np.zeros((1, *outs_shapes[i][1:]), dtype=dtype)
        prefix = f"{name}_" if len(names) > 1 else ""
        for spec in chosen:
            metric = metrics_module.get(spec, ys[i][:1], probe)
            result.append(OutputMetric(metric, i, prefix))
    return result
