"""Sequential: a stack of layers with Keras's model API on the scratchdl engine.

This module holds the model's structure (add, build, compile, weights, summary,
config, saving); the loops (``fit``, ``evaluate``, ``predict``) live in
``training.py`` and are mixed in.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl import layers as layers_module
from scratchdl.layers import InputLayer, Layer
from scratchdl.layers.base import unique_name
from scratchdl.layers.custom import is_keras_style
from scratchdl.layers.symbolic import KerasTensor, input_tensor
from scratchdl.models.base_model import BaseModel
from scratchdl.models.nesting import ModelAsLayer, input_shape_of, output_shape_of

__all__ = ["Sequential"]


def _check_reusable(layer, shape, dtype, model_name):
    """Raise unless the built ``layer`` takes inputs of ``shape`` in ``dtype``."""
    if input_shape_of(layer) != tuple(shape):
        raise ValueError(
            f"layer {layer.name!r} was built for inputs of shape "
            f"{(None,) + input_shape_of(layer)} and keeps its weights; model "
            f"{model_name!r} would feed it {(None,) + tuple(shape)}. Use a new layer instead."
        )
    if np.dtype(layer.dtype) != np.dtype(dtype):
        raise ValueError(
            f"layer {layer.name!r} was built with dtype {np.dtype(layer.dtype).name}; model "
            f"{model_name!r} computes in {np.dtype(dtype).name}. Use a new layer instead."
        )


class Sequential(BaseModel):
    """A linear stack of layers: ``y = layer_k(... layer_1(x))``.

    Args:
        layers: an optional list of layers to ``add``.
        name: default ``sequential``, ``sequential_1``, ...
        seed: an int (or Generator) that determines weight initialisation, dropout
            masks and shuffling; default: drawn from ``scratchdl.random`` (so
            ``set_random_seed`` makes runs repeatable).
        dtype: compute dtype, float32 by default (float64 for gradient checks).

    Convention: as in Keras, ``model.layers`` excludes the input layer, and the
    model builds as soon as it knows its input shape.  A model is a layer: it can be
    added to another model, which then shares (never re-initialises) its weights.
    """

    def __init__(
        self,
        layers: Iterable[Any] | None = None,
        name: str | None = None,
        seed: int | None = None,
        dtype: DTypeLike = "float32",
        trainable: bool = True,
    ) -> None:
        name = name if name is not None else unique_name("sequential")
        self._init_model(name, seed, dtype, trainable)
        for layer in layers or []:
            self.add(layer)

    # -- structure -------------------------------------------------------------
    @property
    def layers(self) -> list[Any]:
        return list(self._layers)

    def add(self, layer: Any) -> None:
        """Append a layer or a model; an ``input_shape=`` on the first creates the InputLayer."""
        if not isinstance(layer, (Layer, ModelAsLayer, KerasTensor)):
            raise ValueError(
                f"Only instances of scratchdl.layers.Layer (or models) can be added to a "
                f"Sequential model, received {layer!r} (of type {type(layer).__name__})"
            )
        if layer is self:
            raise ValueError(f"model {self.name!r} cannot be added to itself")
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer  # keras.Input(shape=...) as the first entry
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError(
                    f"an InputLayer must be the first layer; {self.name!r} already has "
                    f"{'an input' if self._input_layer else 'layers'}"
                )
            self._input_layer = layer
        else:
            names = {lay.name for lay in self._layers}
            if layer.name in names:
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. "
                    f"Name {layer.name!r} is already the name of a layer in this model."
                )
            if layer.input_shape_arg is not None and self._input_layer is None and not self._layers:
                self._input_layer = InputLayer(shape=layer.input_shape_arg)
            self._layers.append(layer)
        self.built = False
        if self._input_layer is not None and self._layers:
            self._build_from(self._input_layer.shape)

    def pop(self) -> Any:
        if not self._layers:
            raise ValueError("There are no layers in the model to pop.")
        layer = self._layers.pop()
        self.built = False
        if self._input_layer is not None and self._layers:
            self._build_from(self._input_layer.shape)
        return layer

    def build(self, input_shape: Sequence[int | None] | None = None) -> None:
        """Build for ``input_shape`` *including* the batch axis, as Keras: ``(None, 784)``."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("build() needs an input_shape, e.g. model.build((None, 784))")
            shape = self._input_layer.shape
        else:
            shape = tuple(input_shape)[1:]
        if self._input_layer is None:
            self._input_layer = InputLayer(shape=shape)
        self._build_from(shape)

    def _build_from(self, shape):
        """Build the layers for inputs of ``shape`` and bind them to a new flat store.

        A layer that is already built (it comes from another model, or was called
        before) keeps its weights: it must accept ``shape`` and the model's dtype, or
        this raises.  Unbuilt layers draw their initial weights from the model's seed,
        one draw per position, so the same seed gives the same weights.
        """
        if not self._layers:
            raise ValueError(f"model {self.name!r} has no layers to build")
        shape = tuple(int(d) for d in shape)
        init_rng = np.random.default_rng(self._init_seed)
        for layer in self._layers:
            layer_rng = np.random.default_rng(init_rng.integers(0, 2**63 - 1))
            wanted = getattr(layer, "dtype_arg", None)
            if wanted is not None and wanted != self.dtype:
                raise ValueError(
                    f"layer {layer.name!r} was given dtype={wanted.name}; model {self.name!r} "
                    f"computes in {self.dtype.name}. Give them the same dtype."
                )
            if layer.built:
                _check_reusable(layer, shape, self.dtype, self.name)
            elif isinstance(layer, ModelAsLayer):
                layer.build_as_layer(shape, self.dtype)
            else:
                layer.build_for(shape, rng=layer_rng, dtype=self.dtype)
            shape = output_shape_of(layer)
        if not self._trainable:
            for layer in self._layers:
                layer.trainable = False
        self._bind_store()
        self.built = True
        self._trace()

    def _trace(self) -> None:
        """Keras's symbolic view of a built Sequential: ``inputs``, ``outputs``, ``layer.output``.

        Lets ``keras.Model(inputs=model.inputs, outputs=[l.output for l in model.layers])``
        extract features from a Sequential model, as the Keras guide does.
        """
        x = input_tensor(self._input_layer, self.dtype)
        self.inputs = self.outputs = None
        traced = [x]
        for layer in self._layers:
            if getattr(layer, "_subclassed", False):
                return  # a subclassed model has no graph: no symbolic view of this one
            traced.append(layer(traced[-1]))
            layer.output = traced[-1]  # the latest trace (a rebuilt model traces again)
        self.inputs, self.outputs = traced[:1], traced[-1:]

    def _configure_backward(self) -> None:
        """The first layer with trainable weights needs no dx; layers before it no backward.

        Frozen layers at the start (``trainable=False``) are therefore skipped by
        backpropagation entirely.  Penalties come from every leaf layer.
        """
        self._first_grad = len(self._layers)
        for i, layer in enumerate(self._layers):
            if hasattr(layer, "need_input_grad"):
                layer.need_input_grad = True
            if layer.trainable_weights and self._first_grad == len(self._layers):
                self._first_grad = i
        if self._first_grad < len(self._layers):
            first = self._layers[self._first_grad]
            if hasattr(first, "need_input_grad"):
                first.need_input_grad = False
        leaves = self.flat_layers()
        self._reg_layers = [lay for lay in leaves if lay.regularizers]
        self._act_reg_layers = [  # penalties computed on the forward pass
            lay
            for lay in leaves
            if getattr(lay, "activity_regularizer", None) is not None or is_keras_style(lay)
        ]

    # -- config and saving -----------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        layers = [] if self._input_layer is None else [layers_module.serialize(self._input_layer)]
        layers += [layers_module.serialize(lay) for lay in self._layers]
        return {"name": self.name, "layers": layers, "dtype": self.dtype.name, "seed": self.seed}

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Sequential:
        """Rebuild from ``get_config()``; ``custom_objects`` names user-defined layers."""
        model = cls(
            name=config.get("name"), seed=config.get("seed"), dtype=config.get("dtype", "float32")
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for layer_config in config.get("layers", []):
                kind = layer_config.get("class_name") if isinstance(layer_config, dict) else None
                if kind in ("Sequential", cls.__name__):
                    layer = cls.from_config(layer_config.get("config", {}), custom_objects)
                elif kind in ("Model", "Functional") and custom_objects and kind in custom_objects:
                    model_cls = custom_objects[kind]
                    layer = model_cls.from_config(layer_config.get("config", {}), custom_objects)
                else:
                    layer = layers_module.get(layer_config, custom_objects)
                model.add(layer)
        return model

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, {len(self._layers)} layers, built={self.built}>"
