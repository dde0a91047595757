"""``keras.layers``: the engine's layers under their Keras names."""

from scratchdl.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    Input,
    InputLayer,
    Layer,
    LeakyReLU,
    ReLU,
    Reshape,
    Softmax,
)

__all__ = [
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "Layer",
    "LeakyReLU",
    "ReLU",
    "Reshape",
    "Softmax",
]
