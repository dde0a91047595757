"""A model is a layer: what lets ``Sequential([trained_model, Softmax()])`` work.

A model used inside another model offers the layer contract (``forward``,
``backward``, shapes without the batch axis, ``weights``).  Its own layers are the
"leaves" the outer model binds to its flat store (``flat_layers``), so the weights
are shared, never copied or re-initialised: predicting with the outer model uses
the inner model's trained weights, and training either one moves the same values.

Shapes: a *model*'s ``input_shape``/``output_shape`` include the batch axis
(``(None, 784)``, as Keras); as a layer inside another model it is addressed by
``layer_input_shape``/``layer_output_shape`` (no batch axis), like every layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["ModelAsLayer", "input_shape_of", "output_shape_of"]


def input_shape_of(layer: Any) -> tuple:
    """The input shape of a layer or model, batch axis excluded."""
    if isinstance(layer, ModelAsLayer):
        return layer.layer_input_shape
    return tuple(layer.input_shape)


def output_shape_of(layer: Any) -> tuple:
    """The output shape of a layer or model, batch axis excluded."""
    if isinstance(layer, ModelAsLayer):
        return layer.layer_output_shape
    return tuple(layer.output_shape)


class ModelAsLayer:
    """The layer contract of a Sequential model (mixed into ``Sequential``)."""

    _need_input_grad = True

    @property
    def input_shape_arg(self) -> tuple[int | None, ...] | None:
        """The input shape a model brings into an outer model (None until it has one)."""
        return None if self._input_layer is None else tuple(self._input_layer.shape)

    @property
    def layer_input_shape(self) -> tuple:
        return tuple(self._input_layer.shape)

    @property
    def layer_output_shape(self) -> tuple:
        return output_shape_of(self._layers[-1])

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def flat_layers(self) -> list:
        """Every leaf layer in order, nested models expanded (what a store binds)."""
        leaves = []
        for layer in self._layers:
            leaves.extend(layer.flat_layers() if isinstance(layer, ModelAsLayer) else [layer])
        return leaves

    def build_as_layer(self, input_shape: tuple[int | None, ...], dtype: DTypeLike) -> None:
        """Build an unbuilt model for inputs of ``input_shape`` (batch axis excluded)."""
        if np.dtype(dtype) != self.dtype:
            raise ValueError(
                f"model {self.name!r} computes in {self.dtype.name}; the outer model in "
                f"{np.dtype(dtype).name}. Give both the same dtype."
            )
        self.build((None,) + tuple(input_shape))

    # -- the layer contract ------------------------------------------------------
    @property
    def need_input_grad(self) -> bool:
        return self._need_input_grad

    @need_input_grad.setter
    def need_input_grad(self, value: bool) -> None:
        """Set by the outer model; passed on to this model's first trained layer."""
        self._need_input_grad = bool(value)
        if self._first_grad < len(self._layers):
            first = self._layers[self._first_grad]
            if hasattr(first, "need_input_grad"):
                first.need_input_grad = self._need_input_grad

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The layers' forwards in order (a model used as a layer)."""
        return self._forward(x, training)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """dL/d(input) through the layers, last to first; None when no one needs it.

        Layers before the first one with trainable weights run only when the outer
        model needs this model's input gradient.
        """
        layers = self._layers
        first = 0 if self._need_input_grad else self._first_grad
        for i in range(len(layers) - 1, first - 1, -1):
            dout = layers[i].backward(dout)
        return dout if self._need_input_grad else None

    def check_wiring(self) -> None:
        for layer in self.flat_layers():
            layer.check_wiring()

    def count_state(self) -> int:
        """0: a model's count_params() already counts every weight of its layers."""
        return 0
