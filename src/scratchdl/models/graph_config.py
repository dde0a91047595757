"""A functional model's configuration: its layers and how their calls connect.

``graph_config(model)`` lists every layer once (class, config) with its inbound
calls — for each call, the ``[layer name, call index, 0]`` of each input — plus the
model's input and output ends, the shape tf.keras's configs have.
``rebuild(config, classes)`` creates the layers again and replays the calls in the
same order, so the weights (matched by position) load into the same places.
"""

from __future__ import annotations

from typing import Any

from scratchdl import layers as layers_module
from scratchdl.layers import InputLayer
from scratchdl.layers.symbolic import input_tensor

__all__ = ["graph_config", "rebuild", "make_layer_from"]


def _call_indices(model: Any) -> dict:
    """id(node) -> the call's index among its layer's calls in this model."""
    seen, index = {}, {}
    for t in model.inputs:
        index[id(t.node)] = 0
    for node in model._nodes:
        k = seen.get(id(node.layer), 0)
        index[id(node)] = k
        seen[id(node.layer)] = k + 1
    return index


def graph_config(model: Any, serialize: Any) -> dict:
    """The config of a functional ``model``; ``serialize(layer)`` gives each layer's entry."""
    index = _call_indices(model)
    entries = []
    for layer in model.layers:
        calls = [n for n in model._nodes if n.layer is layer]
        inbound = [
            [[t.node.layer.name, index[id(t.node)], 0] for t in node.input_list] for node in calls
        ]
        entries.append({**serialize(layer), "name": layer.name, "inbound_nodes": inbound})
    ends = [[t.node.layer.name, index[id(t.node)], 0] for t in model.inputs]
    outs = [[t.node.layer.name, index[id(t.node)], 0] for t in model.outputs]
    return {
        "name": model.name,
        "layers": entries,
        "input_layers": ends,
        "output_layers": outs,
        "seed": model.seed,
    }


def rebuild(config: dict, make_layer: Any) -> tuple[list, list]:
    """Layers made by ``make_layer(entry)``, their calls replayed; (inputs, outputs)."""
    tensors, layers = {}, {}
    for entry in config["layers"]:
        layer = make_layer(entry)
        layers[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            layer.built, layer.input_shape, layer.output_shape = True, layer.shape, layer.shape
            tensors[(entry["name"], 0)] = input_tensor(layer)
    pending = [
        (e["name"], k, call) for e in config["layers"] for k, call in enumerate(e["inbound_nodes"])
    ]
    while pending:
        ready = [p for p in pending if all((n, i) in tensors for n, i, _ in p[2])]
        if not ready:
            raise ValueError(f"the model configuration's connections cannot be resolved: {pending}")
        for name, k, call in ready:
            args = [tensors[(n, i)] for n, i, _ in call]
            multi = getattr(layers[name], "multi_input", False)
            tensors[(name, k)] = layers[name](args if multi else args[0])
            pending.remove((name, k, call))
    inputs = [tensors[(n, i)] for n, i, _ in config["input_layers"]]
    outputs = [tensors[(n, i)] for n, i, _ in config["output_layers"]]
    return inputs, outputs


def make_layer_from(entry: dict, custom_objects: dict | None, models: dict) -> Any:
    """A layer (or a nested model, via ``models`` {class name: class}) from its entry."""
    cls = models.get(entry.get("class_name"))
    if cls is not None:
        return cls.from_config(entry.get("config", {}), custom_objects)
    return layers_module.get(entry, custom_objects)
