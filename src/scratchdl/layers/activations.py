"""Activation layers: ``Activation(name)``, ``ReLU``, ``LeakyReLU``, ``Softmax``.

Each wraps one stateless activation-function object of ``scratchdl.activations``
(which carries the forward/backward math) and caches ``z`` (input) and ``y``
(output) for the backward pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from scratchdl import activations as activations_module
from scratchdl.layers.base import Layer

__all__ = ["Activation", "ReLU", "LeakyReLU", "Softmax"]


class _ActivationLayer(Layer):
    """Forward ``y = f(z)``; backward ``dz = f'(z) * dout`` via ``fn.backward``."""

    fn: activations_module.ActivationFunction | None = None  # set by each subclass

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        y = self.fn.forward(x)
        self._z, self._y = x, y
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.fn.backward(dout, self._z, self._y)

    @property
    def activation_name(self) -> str | None:
        return getattr(self.fn, "name", None)


class Activation(_ActivationLayer):
    """Applies an activation function by name (``None`` means linear).

    Args:
        activation: a name of ``scratchdl.activations`` ("relu", "sigmoid",
            "softmax", "tanh", "leaky_relu" (slope 0.2), ...), an activation object,
            or a callable.
    """

    def __init__(
        self, activation: str | dict[str, Any] | Callable[..., Any] | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.fn = activations_module.get(activation)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["activation"] = activations_module.serialize(self.fn)
        return config


class ReLU(_ActivationLayer):
    """Rectified linear unit with Keras's options.

    Forward::

        y = min(z, max_value)                 if z >= threshold
        y = negative_slope * (z - threshold)  otherwise

    Args: max_value=None, negative_slope=0.0, threshold=0.0 (Keras names; tf.keras
    2.x's ``alpha`` is not accepted, use ``negative_slope``).
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)
        self.fn = activations_module.ReLU(
            max_value=max_value, negative_slope=negative_slope, threshold=threshold
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            max_value=self.max_value,
            negative_slope=self.negative_slope,
            threshold=self.threshold,
        )
        return config


class LeakyReLU(_ActivationLayer):
    """Leaky ReLU layer: ``y = z`` for z >= 0, ``negative_slope * z`` otherwise.

    Args:
        negative_slope: default 0.3 (Keras's layer default; note that the *string*
            ``activation="leaky_relu"`` uses 0.2, as in Keras).
        alpha: tf.keras 2.x's name for the slope; accepted with Keras 3's warning.
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2
            )
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope)
        self.fn = activations_module.LeakyReLU(self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class Softmax(_ActivationLayer):
    """Softmax layer: ``y = exp(z - max z) / sum(exp(z - max z))`` along ``axis``."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.fn = activations_module.Softmax(axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        return config
