"""Reverse-mode accumulation over a tape's records (the engine of ``gradient``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl.autodiff.recording import flatten

__all__ = ["backpropagate"]


def backpropagate(tape: Any, targets: Any, output_gradients: Any = None) -> dict:
    """dL/dx for every tracked x, keyed by ``id(x)``, where L = sum of ``targets``.

    Args:
        tape: a GradientTape holding ``_nodes`` in recording order and ``_ids``.
        targets: the flat list of target tensors.
        output_gradients: None (each target seeded with ones) or a matching list.

    Walks the nodes once in reverse; an output nobody's gradient reached is skipped.
    """
    grads: dict[int, np.ndarray] = {}
    for t in targets:
        if not hasattr(t, "dtype") or not hasattr(t, "shape"):
            raise TypeError(
                f"gradient: the target must be a tensor (or a list of tensors) computed "
                f"under the tape, received {type(t).__name__}"
            )
    seeds = _seeds(targets, output_gradients)
    for t, seed in zip(targets, seeds):
        if id(t) in tape._ids:
            _accumulate(grads, t, seed)
    for node in reversed(tape._nodes):
        dout = grads.get(id(node.output))
        if dout is None:
            continue
        node.op.needs_grad = tuple(id(x) in tape._ids for x in node.inputs)
        dxs = node.op.backward(dout)
        for x, dx in zip(node.inputs, dxs):
            if dx is not None and id(x) in tape._ids:
                _accumulate(grads, x, _checked(dx, x, node.op))
    return grads


def _seeds(targets, output_gradients) -> list:
    if output_gradients is None:
        return [np.ones(np.shape(t), dtype=_float(t)) for t in targets]
    given = flatten(output_gradients)
    if len(given) != len(targets):
        raise ValueError(f"output_gradients has {len(given)} entries for {len(targets)} targets")
    seeds = []
    for t, g in zip(targets, given):
        g = np.asarray(g, dtype=_float(t))
        if g.shape != tuple(np.shape(t)):
            raise ValueError(
                f"output_gradients: expected shape {tuple(np.shape(t))}, received {g.shape}"
            )
        seeds.append(g)
    return seeds


def _float(t):
    dtype = np.dtype(t.dtype)
    return dtype if dtype.kind == "f" else np.float32


def _checked(dx, x, op):
    """``dx`` if it has ``x``'s shape; otherwise an error naming the op."""
    if np.shape(dx) != tuple(x.shape):
        raise ValueError(
            f"the backward of {getattr(op, 'name', op)!r} returned a gradient of shape "
            f"{np.shape(dx)} for an input of shape {tuple(x.shape)}"
        )
    return dx


def _accumulate(grads: dict, x, g) -> None:
    """grads[x] += g, without ever writing into an array another node handed out."""
    key = id(x)
    if key in grads:
        grads[key] = grads[key] + g
    else:
        grads[key] = g
