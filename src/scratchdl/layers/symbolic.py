"""Symbolic values for the functional API: ``keras.Input`` and layers called on them.

``Input(shape=(784,))`` gives a ``KerasTensor``: no numbers, only a shape with a
``None`` batch axis, a dtype, and the ``Node`` that produced it.  Calling a layer on
KerasTensors builds the layer from their shapes and returns a new KerasTensor whose
node remembers (layer, inputs).  Following nodes back from the outputs gives the
graph a functional ``Model`` runs (models/functional.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "KerasTensor",
    "Node",
    "is_symbolic",
    "flatten_inputs",
    "call_symbolic",
    "input_tensor",
]


class Node:
    """One call of a layer in a graph: ``output = layer(inputs)``.

    ``inputs`` is a KerasTensor, or a list of them for a multi-input layer;
    ``index`` is the call's position among the layer's calls (``dense[1]`` in a
    summary's "Connected to" column is the layer's second call).
    """

    def __init__(self, layer: Any, inputs: Any, index: int) -> None:
        self.layer, self.inputs, self.index = layer, inputs, index
        self.output: KerasTensor | None = None

    @property
    def input_list(self) -> list:
        return list(self.inputs) if isinstance(self.inputs, (list, tuple)) else [self.inputs]


class KerasTensor:
    """A symbolic tensor: ``shape`` (batch axis None), ``dtype``, the producing ``node``."""

    def __init__(self, shape: tuple, dtype: Any, node: Node, name: str | None = None) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.node = node
        self.name = name if name is not None else node.layer.name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(
            f"{self!r} is symbolic (a shape, no values): use it to build a keras.Model, then "
            "call the model on arrays"
        )


def is_symbolic(inputs: Any) -> bool:
    """True for a KerasTensor or a (non-empty) list/tuple of them."""
    if isinstance(inputs, (list, tuple)):
        return bool(inputs) and all(isinstance(t, KerasTensor) for t in inputs)
    return isinstance(inputs, KerasTensor)


def flatten_inputs(inputs: Any) -> list:
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


def call_symbolic(layer: Any, inputs: Any, input_shape: Any, output_shape: tuple) -> KerasTensor:
    """Record ``layer(inputs)``; the layer is already built for ``input_shape``."""
    nodes = layer.__dict__.setdefault("_inbound_nodes", [])
    node = Node(layer, inputs, len(nodes))
    nodes.append(node)
    dtype = flatten_inputs(inputs)[0].dtype
    out = KerasTensor((None, *tuple(output_shape)), dtype, node)
    node.output = out
    if len(nodes) == 1:  # Keras's layer.input / layer.output: those of the first call
        layer.input, layer.output = inputs, out
    return out


def input_tensor(input_layer: Any, dtype: Any = np.float32) -> KerasTensor:
    """The symbolic tensor an InputLayer feeds: shape ``(None, *shape)``, no values."""
    node = Node(input_layer, None, 0)
    tensor = KerasTensor((None, *tuple(input_layer.shape)), dtype, node, name=input_layer.name)
    node.output = tensor
    input_layer._inbound_nodes, input_layer.output = [node], tensor
    return tensor
