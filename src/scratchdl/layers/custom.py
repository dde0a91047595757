"""Keras-style layers: a subclass writes ``build(input_shape)`` and ``call(inputs)``.

The engine's own layers write ``forward`` and ``backward`` by hand.  A user's Keras
layer writes only ``call`` with tensor ops (``tf.matmul(inputs, self.w) + self.b``);
its backward comes from the tape:

    forward:  with a tape watching x and the layer's trainable Variables,
              y = call(x); the tape is kept for the backward
    backward: dx, dθ = tape.gradient(y, [x, θ], output_gradients=dout)
              (plus the gradient of every loss the call added with add_loss)

so a custom layer trains inside ``fit`` next to hand-written ones, and is gradient-
checked the same way.  Keras's ``build`` receives the input shape *with* the batch
axis (``(None, 784)``); the output shape is found by calling ``call`` once on a
batch of one zero input.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.autodiff.tape import GradientTape
from scratchdl.autodiff.tensor import Tensor, is_tensor, value_of

__all__ = ["is_keras_style", "build_keras_style", "forward_by_tape", "backward_by_tape"]


def is_keras_style(layer: Any) -> bool:
    """True when the layer's class writes ``call`` and not its own ``forward``.

    The base class marks its own ``call``/``forward`` with ``engine_default = True``.
    """
    cls = type(layer)
    call, forward = getattr(cls, "call", None), getattr(cls, "forward", None)
    return (
        call is not None
        and not getattr(call, "engine_default", False)
        and getattr(forward, "engine_default", False)
    )


def _engine_build(layer) -> bool:
    """True when ``build`` takes the engine's ``(input_shape, rng, dtype)``."""
    return "rng" in inspect.signature(type(layer).build).parameters


def build_keras_style(
    layer: Any,
    input_shape: tuple[int | None, ...],
    rng: np.random.Generator | None,
    dtype: DTypeLike,
) -> None:
    """Keras's build: ``build((None, *input_shape))``, then probe the output shape."""
    layer.input_shape = tuple(input_shape)
    layer.dtype = np.dtype(dtype)
    layer._build_rng = rng  # add_weight draws from it
    if _engine_build(layer):  # no Keras build of its own: the base's bookkeeping
        layer.build(tuple(input_shape), rng=rng, dtype=dtype)
    else:
        layer.build((None, *tuple(input_shape)))
    probe = np.zeros((1, *tuple(input_shape)), dtype=layer.dtype)
    out = layer.call(Tensor(probe), **_training_kwarg(layer, False))
    layer.output_shape = tuple(np.shape(value_of(out)))[1:]
    layer.layer_losses = []
    layer.built = True


def _training_kwarg(layer, training) -> dict:
    params = inspect.signature(type(layer).call).parameters
    return {"training": training} if "training" in params else {}


def forward_by_tape(layer: Any, x: np.ndarray, training: bool) -> np.ndarray:
    """y = call(x), recorded on a private tape for ``backward_by_tape``."""
    x_in = Tensor(np.asarray(x))
    layer.layer_losses = []
    with GradientTape(persistent=True) as tape:
        tape.watch(x_in)
        out = layer.call(x_in, **_training_kwarg(layer, training))
    if not is_tensor(out):
        raise ValueError(
            f"{type(layer).__name__}.call returned {type(out).__name__}, not a tensor: its "
            "math did not run on tensor operations (scratchdl.tensorflow), so it has no "
            "gradient"
        )
    layer._tape_state = (tape, x_in, out)
    return np.asarray(value_of(out), dtype=layer.dtype)


def backward_by_tape(layer: Any, dout: np.ndarray) -> np.ndarray:
    """dL/dx from the kept tape; dL/dθ written into ``layer.grads``."""
    tape, x_in, out = layer._tape_state
    variables = [v for k, v in layer.variables_by_key(trainable=True)]
    targets = [out, *layer.layer_losses]
    seeds = [np.asarray(dout, dtype=out.dtype)]
    seeds += [np.ones(np.shape(value_of(t)), dtype=t.dtype) for t in layer.layer_losses]
    grads = tape.gradient(targets, [x_in, *variables], output_gradients=seeds)
    for (key, var), g in zip(layer.variables_by_key(trainable=True), grads[1:]):
        layer.grads[key] = np.zeros(var.shape, var.dtype) if g is None else value_of(g)
    dx = grads[0]
    return np.zeros(x_in.shape, dtype=layer.dtype) if dx is None else value_of(dx)
