"""Customizing what happens in ``fit``: ``train_step`` overrides and their helpers.

A model subclass may override ``train_step(self, data)``; ``fit`` then calls it once
per batch with ``data = (x, y)`` (or ``(x, y, sample_weight)``) and shows the dict
it returns.  Inside, the Keras guides use what this module provides:

* ``self.compiled_loss(y, y_pred)`` (tf.keras 2.x) / ``self.compute_loss(y=, y_pred=)``
  (Keras 3): the compiled loss plus the model's regularization terms, recorded on
  the active tape, and counted by the ``loss`` tracker;
* ``self.compiled_metrics.update_state(y, y_pred)``: every compiled metric;
* ``self.metrics``: the ``loss`` tracker, then the compiled metrics.

Weight penalties (``kernel_regularizer=``) enter the loss as one recorded op per
penalised weight whose backward is the regularizer's own gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl import metrics as metrics_module
from scratchdl.autodiff.ops.function import Function
from scratchdl.autodiff.tensor import apply

__all__ = ["CompiledMetrics", "penalty_terms", "unpack_data"]


class CompiledMetrics(list):
    """The compiled metric objects, with tf.keras's ``update_state`` over all of them."""

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        for m in self:
            m.update_state(y_true, y_pred, sample_weight if getattr(m, "weighted", False) else None)

    def reset_state(self) -> None:
        for m in self:
            m.reset_state()


def unpack_data(data: Any) -> tuple:
    """``(x, y, sample_weight)`` from what ``train_step`` receives (tf.keras's rule).

    A tuple (or a list, made a tuple) of 1, 2 or 3 items; anything else is ``x`` alone.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) not in (1, 2, 3):
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
            f"`(x, y, sample_weight)`, found a tuple of {len(data)} items"
        )
    return (*data, None, None)[:3]


def penalty_terms(layers: list) -> list:
    """Each weight regularizer's penalty as a tensor (on the tape when one records)."""
    terms = []
    for layer in layers:
        for key, reg in layer.regularizers.items():
            var = layer._variables[key]

            def backward(dout, reg=reg, var=var):
                return np.asarray(dout) * reg.gradient(var.value)

            def forward(w, reg=reg):
                return np.asarray(reg(w), dtype=w.dtype)

            terms.append(apply(Function(forward, backward, name=f"{var.path}/penalty"), var))
    return terms


def loss_tracker() -> metrics_module.Mean:
    return metrics_module.Mean(name="loss")
