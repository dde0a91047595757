"""``class MyModel(keras.Model)``: a model whose ``call`` the user writes.

The layers are the ones the subclass keeps as attributes (found in assignment
order, lists of layers included).  ``call`` may mix layer calls, Python control
flow and tensor ops, so the graph is not known in advance; instead each training
forward runs ``call`` on a tape, and the backward asks the tape for
dL/dθ of every trainable weight (each layer call on the tape is one op whose
backward is the layer's own, autodiff/calls.py).  Outside training, ``call`` runs
without a tape.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from scratchdl.autodiff.tape import GradientTape
from scratchdl.autodiff.tensor import Tensor, is_tensor, value_of
from scratchdl.layers import InputLayer, Layer
from scratchdl.models.nesting import ModelAsLayer

__all__ = [
    "discover_layers",
    "build_subclassed",
    "call_model",
    "forward_subclassed",
    "backward_subclassed",
]


def discover_layers(model: Any) -> list:
    """The layers and models the subclass holds as attributes, in assignment order."""
    found = []
    for name, value in vars(model).items():
        if name.startswith("_") or name in ("optimizer", "loss"):
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, (Layer, ModelAsLayer)) and item is not model:
                found.append(item)
    return list(dict.fromkeys(found))


def call_model(model: Any, x: Any, training: Any) -> Any:
    """``model.call(x)``, passing ``training`` when the subclass's call takes it."""
    return _call(model, x, training)


def _call(model: Any, x: Any, training: Any) -> Any:
    params = inspect.signature(model.call).parameters
    return model.call(x, training=training) if "training" in params else model.call(x)


def build_subclassed(model: Any, shape: tuple) -> None:
    """Run ``call`` once on a zero batch: every layer builds from what it receives."""
    probe = np.zeros((1, *tuple(shape)), dtype=model.dtype)
    out = _call(model, probe, False)
    model._input_layer = InputLayer(shape=tuple(shape))
    model._layers = discover_layers(model)
    if not model._layers:
        raise ValueError(
            f"{type(model).__name__} holds no layers as attributes; create them in __init__ "
            "(self.dense = keras.layers.Dense(...)) and use them in call"
        )
    model._output_shape = tuple(np.shape(value_of(out)))[1:]


def forward_subclassed(model: Any, x: np.ndarray, training: bool) -> np.ndarray:
    """``call`` on a tape while training (kept for the backward); plain otherwise."""
    if not training:
        return np.asarray(value_of(_call(model, x, False)), dtype=model.dtype)
    x_in = Tensor(x)
    with GradientTape(persistent=True) as tape:
        out = _call(model, x_in, True)
    if not is_tensor(out):
        raise ValueError(
            f"{type(model).__name__}.call returned {type(out).__name__}: return the output of "
            "a layer or a tensor op"
        )
    model._tape_state = (tape, x_in, out)
    return np.asarray(value_of(out), dtype=model.dtype)


def backward_subclassed(model: Any, dout: np.ndarray, need_dx: bool = False) -> Any:
    """dL/dθ of every trainable weight into its ``grad``; dL/dx when asked."""
    tape, x_in, out = model._tape_state
    variables = model.trainable_weights
    extra = [t for layer in model.flat_layers() for t in getattr(layer, "layer_losses", [])]
    seeds = [np.asarray(dout, dtype=out.dtype)]
    seeds += [np.ones(np.shape(value_of(t)), dtype=t.dtype) for t in extra]
    sources = ([x_in] if need_dx else []) + list(variables)
    grads = tape.gradient([out, *extra], sources, output_gradients=seeds)
    for var, g in zip(variables, grads[len(sources) - len(variables) :]):
        var.grad = np.zeros(var.shape, var.dtype) if g is None else value_of(g)
    if need_dx:
        return np.zeros(x_in.shape, model.dtype) if grads[0] is None else value_of(grads[0])
    return None
