"""Layers: each one a small object with explicit forward/backward (see ``base.Layer``)."""

from scratchdl.layers.activations import Activation, LeakyReLU, ReLU, Softmax
from scratchdl.layers.base import Layer
from scratchdl.layers.conv import Conv2D, ZeroPadding2D
from scratchdl.layers.dense import Dense
from scratchdl.layers.dropout import Dropout
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
        AveragePooling2D,
        BatchNormalization,
        Conv2D,
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


def serialize(layer) -> dict:
    """``{"class_name": ..., "config": ...}`` for a layer (JSON-serialisable)."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def get(config: dict):
    """Rebuild a layer from ``serialize``'s output; unknown classes raise ValueError."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in _CLASSES:
        raise ValueError(f"unknown layer class {name!r}; known layers: {sorted(_CLASSES)}")
    return _CLASSES[name](**config.get("config", {}))
