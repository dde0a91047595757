"""Layers: each one a small object with explicit forward/backward (see ``base.Layer``)."""

from scratchdl.layers.activations import Activation, LeakyReLU, ReLU, Softmax
from scratchdl.layers.base import Layer
from scratchdl.layers.conv import Conv2D, ZeroPadding2D
from scratchdl.layers.dense import Dense
from scratchdl.layers.dropout import Dropout
from scratchdl.layers.lambda_layer import Lambda
from scratchdl.layers.merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from scratchdl.layers.normalization import BatchNormalization
from scratchdl.layers.pooling import (
    AveragePooling2D,
    AvgPool2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPool2D,
    MaxPooling2D,
)
from scratchdl.layers.reshape import Flatten, Input, InputLayer, Reshape

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Lambda",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "Activation",
    "AveragePooling2D",
    "AvgPool2D",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Input",
    "InputLayer",
    "Layer",
    "LeakyReLU",
    "MaxPool2D",
    "MaxPooling2D",
    "ReLU",
    "Reshape",
    "Softmax",
    "ZeroPadding2D",
    "get",
    "serialize",
]

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Activation,
        Add,
        Average,
        AveragePooling2D,
        BatchNormalization,
        Concatenate,
        Conv2D,
        Maximum,
        Minimum,
        Multiply,
        Subtract,
        Dense,
        Dropout,
        Flatten,
        GlobalAveragePooling2D,
        GlobalMaxPooling2D,
        InputLayer,
        LeakyReLU,
        MaxPooling2D,
        ReLU,
        Reshape,
        Softmax,
        ZeroPadding2D,
    )
}


def serialize(layer: Layer) -> dict:
    """``{"class_name": ..., "config": ...}`` for a layer (JSON-serialisable)."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def get(config: dict, custom_objects: dict | None = None) -> Layer:
    """Rebuild a layer from ``serialize``'s output; unknown classes raise ValueError.

    ``custom_objects`` (``{class name: class}``) is searched before the built-in layers.
    """
    classes = {**_CLASSES, **(custom_objects or {})}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in classes:
        raise ValueError(f"unknown layer class {name!r}; known layers: {sorted(classes)}")
    return classes[name](**config.get("config", {}))
