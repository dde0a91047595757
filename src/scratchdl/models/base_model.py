"""What every model has, whatever its structure: compile, weights, the flat store, saving.

``Sequential`` (a chain, sequential.py) and ``Model`` (a graph or a subclass,
functional.py) add the structure: which layers, in what order, and how the forward
and backward passes walk them.  Everything here reads the structure only through
``self._layers`` (the leaf layers and nested models that hold weights),
``self.flat_layers()`` and ``self._input_layer``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl import losses as losses_module
from scratchdl import optimizers as optimizers_module
from scratchdl.models.model_io import (
    load_weights,
    restore_training_state,
    save_model,
    save_weights,
    training_state,
)
from scratchdl.models.nesting import ModelAsLayer, output_shape_of
from scratchdl.models.summary import format_summary
from scratchdl.models.training import TrainingMixin
from scratchdl.random import make_rng
from scratchdl.variables import ParamStore, Variable

__all__ = ["BaseModel"]


def _check_neutral(name, value):
    """Accept ``value`` only when it means "no change": None, 1, [1] or {output: 1}."""
    if value is None:
        return
    values = list(value.values()) if isinstance(value, dict) else value
    values = values if isinstance(values, (list, tuple)) else [values]
    ok = len(values) == 1 and not isinstance(values[0], bool) and values[0] == 1
    if not ok:
        raise ValueError(
            f"{name}={value!r} is not supported by a one-output Sequential model; "
            f"leave it at None (or 1)"
        )


class BaseModel(ModelAsLayer, TrainingMixin):
    """The shared part of Sequential and Model (see the module docstring)."""

    def _init_model(self, name, seed, dtype, trainable) -> None:
        self.name = name
        self.seed = seed if isinstance(seed, (int, np.integer)) else None
        self.rng = make_rng(seed)
        # one draw fixes the initial weights, however often the model is rebuilt
        self._init_seed = int(self.rng.integers(0, 2**63 - 1))
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a float dtype, received dtype={dtype!r}")
        self._input_layer = None
        self._layers = []
        self._trainable = bool(trainable)
        self._first_grad = 0
        self.built = False
        self.store = ParamStore(self.dtype)
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._model_losses = []  # model.add_loss callables

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """``model.trainable = False`` freezes every layer (True unfreezes them), as Keras."""
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = self._trainable

    def get_layer(self, name: str | None = None, index: int | None = None) -> Any:
        """A layer by name or by position in ``model.layers`` (Keras's messages)."""
        if name is not None and index is not None:
            raise ValueError("Provide only a layer name or a layer index at `get_layer`.")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
                raise ValueError(f"index must be an int, received index={index!r}")
            if not -len(self._layers) <= index < len(self._layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self._layers)} layers."
                )
            return self._layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[lay.name for lay in self._layers]}."
        )

    def _bind_store(self) -> None:
        """(Re)bind every layer's trainable Variables to this model's flat store."""
        for layer in self._layers:
            layer.check_wiring()
        leaves = self.flat_layers()
        self.store = ParamStore(self.dtype).bind(leaves)
        self._bound_trainable = [lay.trainable for lay in leaves]
        self._configure_backward()
        if self.optimizer is not None:
            self.optimizer.build(self.store)

    def ensure_store(self) -> None:
        """Bind again when another model took a shared layer's weights into its store.

        Values are never lost (binding copies them); only optimizer state restarts.
        """
        if not self.store.is_home() or self._bound_trainable != [
            lay.trainable for lay in self.flat_layers()
        ]:
            self._bind_store()  # a shared layer moved, or a layer was frozen / unfrozen

    @property
    def input_shape(self) -> tuple[int | None, ...] | None:
        return None if self._input_layer is None else (None,) + tuple(self._input_layer.shape)

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        if not self.built:
            raise ValueError(f"model {self.name!r} is not built yet; call build() or fit()")
        return (None,) + output_shape_of(self._layers[-1])

    def _require_built(self, what):
        if not self.built:
            raise ValueError(
                f"This model has not yet been built. Build the model first by calling "
                f"`build()` or by calling the model on a batch of data before {what}."
            )

    # -- compile -----------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        loss_weights: Sequence[float] | Mapping[str, float] | None = None,
        weighted_metrics: Any = None,
        run_eagerly: bool | None = None,
        steps_per_execution: int | None = None,
        jit_compile: bool | None = None,
    ) -> None:
        """Choose the optimizer, loss and metrics (Keras names and aliases).

        ``run_eagerly`` and ``jit_compile`` choose how TensorFlow executes; a NumPy
        model always runs eagerly, so any value computes the same.  ``loss_weights``
        (a number or a one-entry list/dict for this one-output model) and
        ``steps_per_execution`` are accepted at their neutral value 1 only.
        """
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='sparse_categorical_crossentropy'")
        _check_neutral("steps_per_execution", steps_per_execution)
        for name, flag in (("run_eagerly", run_eagerly), ("jit_compile", jit_compile)):
            if flag is not None and not isinstance(flag, (bool, str)):
                raise ValueError(f"{name} must be a bool or None, received {name}={flag!r}")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = self._compile_loss(loss, loss_weights)
        self._metric_specs = metrics if isinstance(metrics, dict) else list(metrics or [])
        self._weighted_metric_specs = list(weighted_metrics or [])
        self.compiled_metrics = None
        self.compiled = True
        if self.built:
            self.optimizer.build(self.store)

    def _compile_loss(self, loss, loss_weights):
        """The loss object; a one-output model takes only a neutral ``loss_weights``."""
        _check_neutral("loss_weights", loss_weights)
        return losses_module.get(loss)

    @property
    def metrics_names(self) -> list[str]:
        """tf.keras 2.x: ``["loss", *metric names]`` once fit/evaluate has run, ``[]`` before.

        Convention: Keras 3 returns ``["loss", "compile_metrics"]``; the tf.keras list
        is what ``zip(model.metrics_names, scores)`` in the notes expects.
        """
        if getattr(self, "compiled_metrics", None) is None:
            return []
        return ["loss"] + [m.name for m in self.compiled_metrics]

    def metric_direction(self, name: str) -> str | None:
        """ "up" / "down" / None for a metric name as it appears in logs (val_ stripped)."""
        name = name[4:] if name.startswith("val_") else name
        if name == "loss":
            return "down"
        for metric in self.compiled_metrics or []:
            if metric.name == name:
                return getattr(metric, "direction", None)
        return None

    # -- weights -----------------------------------------------------------------
    @property
    def weights(self) -> list[Variable]:
        """Every layer's Variables, layer by layer (trainable first within a layer)."""
        return [v for layer in self._layers for v in layer.weights]

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for layer in self._layers for v in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for layer in self._layers for v in layer.non_trainable_weights]

    trainable_variables = trainable_weights
    variables = weights

    def get_weights(self) -> list[np.ndarray]:
        self._require_built("get_weights()")
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[ArrayLike]) -> None:
        self._require_built("set_weights()")
        weights, variables = list(weights), self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"model {self.name!r} expects {len(variables)} weight arrays, "
                f"received {len(weights)}"
            )
        for var, w in zip(variables, weights):
            var.assign(w)

    def count_params(self) -> int:
        """Every weight's size, trainable or not (Keras's ``count_params``)."""
        self._require_built("count_params()")
        return int(sum(v.size for v in self.weights))

    def summary(
        self, line_length: int | None = None, print_fn: Callable[..., Any] | None = None
    ) -> None:
        """Print tf.keras 2.x's summary table: name (type), output shape, parameter count."""
        text = format_summary(self, line_length=line_length)
        (print_fn or print)(text)

    def save(
        self,
        filepath: str | os.PathLike,
        overwrite: bool = True,
        include_optimizer: bool = True,
        save_format: str | None = None,
    ) -> None:
        """Write the native safe format (config + weights + optimizer + step) atomically.

        Any extension works (``.keras``, ``.h5``, ``.hdf5``, ``.npz``) and so does any
        of Keras's ``save_format`` names: the file is always scratchdl's ``.npz``-based
        format, never HDF5, a SavedModel directory or a pickle (docs/keras.md).
        ``include_optimizer=False`` leaves out the compile settings and optimizer state.
        """
        if save_format not in (None, "h5", "tf", "keras", "npz"):
            raise ValueError(
                f"save_format must be None, 'keras', 'h5' or 'tf', received {save_format!r}"
            )
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str | os.PathLike, skip_mismatch: bool = False) -> None:
        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def get_training_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return training_state(self)

    def set_training_state(self, meta: dict[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        restore_training_state(self, meta, arrays)
