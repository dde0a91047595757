"""Built-in layers and losses on the tape: one recorded operation per call.

A layer already knows its gradient: its hand-written ``backward(dout)`` returns
dL/dx and writes dL/dθ into ``layer.grads``.  So calling a layer while a tape
records does not re-derive anything: it records a single ``Function`` op whose
inputs are ``x`` and the layer's trainable Variables and whose backward is the
layer's own::

    forward:  y = layer.forward(x, training)
    backward: dx = layer.backward(dy);  dθ_k = copy of layer.grads[k]

A layer caches the last forward for its backward.  If the same layer is called
again before the tape runs backward (a shared layer), the cache belongs to the
later call; so each recorded call keeps a shallow snapshot of the layer's
attributes after its forward and puts it back for the duration of its backward.
Losses are recorded the same way with ``loss.backward()`` (dL/dy_pred).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl.autodiff import recording
from scratchdl.autodiff.ops.function import Function
from scratchdl.autodiff.tensor import Tensor, apply, is_tensor, value_of

__all__ = ["on_tape", "call_layer", "call_loss", "Snapshot"]


def on_tape(*values: Any) -> bool:
    """True when a call must be recorded: a tape is active, or an input is a tensor."""
    return recording.active() or any(is_tensor(v) for v in values)


class Snapshot:
    """A layer's attributes right after one forward, restorable for its backward.

    For a model used as a layer, every layer inside it is saved as well (their
    caches are what the model's backward reads).
    """

    def __init__(self, obj: Any) -> None:
        inner = obj.flat_layers() if hasattr(obj, "flat_layers") else []
        self.saved = [(o, dict(o.__dict__)) for o in [obj, *inner]]

    def __enter__(self):
        self.current = [(o, dict(o.__dict__)) for o, _ in self.saved]
        for o, attrs in self.saved:
            o.__dict__.update(attrs)
        return self

    def __exit__(self, *exc):
        for o, attrs in self.current:
            o.__dict__.update(attrs)
        return False


def call_layer(layer: Any, inputs: Any, training: bool) -> Tensor:
    """Record ``layer(inputs)`` as one op over (x, *trainable Variables).

    A multi-input layer (a merge layer) takes a list: the op's inputs are then
    (x_1, ..., x_n, *Variables) and its backward returns one gradient per x_i.
    """
    variables = list(layer.trainable_weights)
    multi = getattr(layer, "multi_input", False)
    items = list(inputs) if multi else [inputs]
    xs_in = [t if is_tensor(t) else Tensor(np.asarray(t)) for t in items]
    n = len(xs_in)
    op = None

    def forward(*values):
        xs = [v.astype(layer.dtype, copy=False) for v in values[:n]]
        y = layer.forward(xs if multi else xs[0], training=training)
        op.snapshot = Snapshot(layer)
        return y

    def backward(dy):
        needs = getattr(op, "needs_grad", (True,) * (n + len(variables)))
        with op.snapshot:
            flag = getattr(layer, "need_input_grad", None)
            if flag is not None:
                layer.need_input_grad = True
            try:
                dx = layer.backward(np.asarray(dy, dtype=layer.dtype))
            finally:
                if flag is not None:
                    layer.need_input_grad = flag
            grads = [layer.grads[k].copy() for k, _ in layer.variables_by_key(trainable=True)]
        dxs = list(dx) if multi else [dx]
        dxs = [
            d.astype(x.dtype, copy=False) if need and d is not None else None
            for d, x, need in zip(dxs, xs_in, needs[:n])
        ]
        return (*dxs, *grads)

    op = Function(forward, backward, name=layer.name)
    return apply(op, *xs_in, *variables)


def call_loss(loss: Any, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
    """Record ``loss(y_true, y_pred)`` as one op over y_pred (labels are constants)."""
    op = None

    def forward(yp):
        value = loss.forward(yp, value_of(y_true), sample_weight)
        op.snapshot = Snapshot(loss)
        return np.asarray(value, dtype=yp.dtype)

    def backward(dout):
        with op.snapshot:
            return np.asarray(dout) * loss.backward()

    op = Function(forward, backward, name=getattr(loss, "name", "loss"))
    return apply(op, y_pred if is_tensor(y_pred) else Tensor(np.asarray(y_pred)))
