"""``keras.Model(inputs, outputs)``: a model whose layers form a graph (the functional API).

Building: ``Input`` gives symbolic tensors; calling layers on them records nodes
(layers/symbolic.py).  ``Model(inputs, outputs)`` follows the nodes back from the
outputs and keeps them in an order where every node comes after the nodes that
feed it (a topological order).

Forward: run the nodes in that order; each reads its inputs' values and stores its
output's value.  Backward: run them in reverse; each node receives dL/d(output) —
the *sum* over every node that used that output — calls its layer's own
``backward`` and passes dL/d(input) on.  A layer called at several nodes (a shared
layer) keeps one set of weights, so its gradient is the sum over its calls; its
cached forward state is put back per call before that call's backward.

A one-input, one-output graph trains with the same ``fit``/``evaluate``/``predict``
as ``Sequential``; so does a model with several inputs (x given as a list or a dict
keyed by input name) and one output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl import layers as layers_module
from scratchdl.autodiff.calls import Snapshot
from scratchdl.autodiff.tensor import Tensor, is_tensor, value_of
from scratchdl.layers import InputLayer
from scratchdl.layers.base import _snake_case as _snake
from scratchdl.layers.base import unique_name
from scratchdl.layers.custom import is_keras_style
from scratchdl.layers.symbolic import KerasTensor, input_tensor
from scratchdl.models.base_model import BaseModel
from scratchdl.models.data_adapter import InputArrays, check_targets
from scratchdl.models.graph_config import graph_config, make_layer_from, rebuild
from scratchdl.models.multi_output import LossTracker, OutputLosses, output_metrics, per_output
from scratchdl.models.sequential import Sequential
from scratchdl.models.subclassing import (
    backward_subclassed,
    build_subclassed,
    call_model,
    forward_subclassed,
)

__all__ = ["Model", "Input"]


def Input(  # noqa: N802 - Keras's name
    shape: Any = None,
    batch_size: int | None = None,
    name: str | None = None,
    dtype: Any = None,
    batch_shape: Any = None,
    **kwargs: Any,
) -> KerasTensor:
    """``keras.Input``: a symbolic input of ``shape`` (batch axis excluded), float32.

    Convention: tf.keras 2.x's argument order (shape, batch_size, name, dtype); the
    InputLayer is auto-named ``input_1``, ``input_2`` ... (1-based, as tf.keras).
    """
    for key in ("sparse", "ragged"):
        if kwargs.pop(key, None):
            raise ValueError(f"Input({key}=True) is not supported: scratchdl has dense arrays")
    if kwargs:
        raise TypeError(f"Input() got unexpected keyword arguments {sorted(kwargs)}")
    name = name if name is not None else _input_name()
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, batch_shape=batch_shape)
    layer.dtype = np.dtype(dtype or np.float32)
    layer.built, layer.input_shape, layer.output_shape = True, layer.shape, layer.shape
    return input_tensor(layer, layer.dtype)


def _input_name() -> str:
    name = unique_name("input")  # input, input_1, ... -> tf.keras's input_1, input_2, ...
    return "input_1" if name == "input" else f"input_{int(name.rsplit('_', 1)[1]) + 1}"


def _fuses(layer, loss) -> bool:
    """True when ``layer``'s activation is the one ``loss`` fuses with (softmax, sigmoid)."""
    want = getattr(loss, "fuses_with", None)
    fn = getattr(layer, "activation", None) or getattr(layer, "fn", None)
    return want is not None and getattr(fn, "name", None) == want and getattr(fn, "axis", -1) == -1


def _flat(structure) -> list:
    if isinstance(structure, dict):
        return list(structure.values())
    return list(structure) if isinstance(structure, (list, tuple)) else [structure]


def _topological(outputs) -> list:
    """Every node the outputs depend on, each after the nodes that feed it."""
    order, seen = [], set()

    def visit(tensor) -> None:
        node = tensor.node
        if id(node) in seen:
            return
        for t in node.input_list if node.inputs is not None else []:
            visit(t)
        seen.add(id(node))
        order.append(node)

    for t in outputs:
        visit(t)
    return order


class Model(BaseModel):
    """``Model(inputs, outputs, name)``: the layers between symbolic inputs and outputs.

    Args:
        inputs: a KerasTensor from ``Input``, or a list / dict of them.
        outputs: the KerasTensor(s) computed from them (one output trains with fit).
        name: default ``model``, ``model_1`` ... (tf.keras's names).
        seed: fixes shuffling and dropout (the layers' weights were drawn when the
            layers were called on the inputs).

    ``model.layers`` lists the InputLayers first, then every other layer once, in the
    graph's order (tf.keras).  The model is a layer too: call it on new inputs.
    """

    def __init__(
        self,
        inputs: Any = None,
        outputs: Any = None,
        name: str | None = None,
        seed: Any = None,
        trainable: bool = True,
    ) -> None:
        if inputs is None and outputs is None and type(self) is not Model:
            self._init_subclassed(name, seed, trainable)
            return
        if inputs is None or outputs is None:
            raise ValueError(
                "Model needs inputs= and outputs= (the functional API): "
                "x = keras.Input(shape=...); ...; keras.Model(inputs=x, outputs=y); or "
                "subclass keras.Model and write call(self, inputs, training=None)"
            )
        self.inputs, self.outputs = _flat(inputs), _flat(outputs)
        for t in self.inputs + self.outputs:
            if not isinstance(t, KerasTensor):
                raise TypeError(f"Model inputs and outputs must be KerasTensors, received {t!r}")
        dtype = self.inputs[0].dtype
        self._init_model(name or unique_name("model"), seed, dtype, trainable)
        self._input_names = list(inputs) if isinstance(inputs, dict) else None
        self._trace()
        if not trainable:
            for layer in self._layers:
                layer.trainable = False
        self.built = True
        self._bind_store()

    # -- a subclass that writes call (models/subclassing.py) ------------------------
    _subclassed = False

    def _init_subclassed(self, name, seed, trainable) -> None:
        self._init_model(
            name or unique_name(_snake(type(self).__name__)), seed, "float32", trainable
        )
        self._subclassed = True
        self.inputs = self.outputs = None
        self._nodes, self._shared, self._input_layers, self._plan = [], set(), [], []

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        """The forward pass of a subclass (layer calls, control flow, tensor ops)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define call(self, inputs, training=None)"
        )

    def build(self, input_shape: tuple) -> None:
        """A subclass builds for ``input_shape`` with the batch axis: ``(None, 784)``."""
        if not self._subclassed:
            return  # a graph is built by its inputs and outputs
        self._build_from(tuple(input_shape)[1:])

    def _build_from(self, shape) -> None:
        if not self._subclassed:
            raise ValueError(f"model {self.name!r} was built by its inputs and outputs")
        build_subclassed(self, tuple(shape))
        self._bind_store()
        self.built = True

    # -- the graph ------------------------------------------------------------------
    def _trace(self) -> None:
        order = _topological(self.outputs)
        inputs = {id(t.node) for t in self.inputs}
        for node in order:
            if node.inputs is None and id(node) not in inputs:
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {node.output!r}; "
                    f"the model's inputs are {[t.name for t in self.inputs]}"
                )
        self._nodes = [n for n in order if n.inputs is not None]
        self._layers = list(dict.fromkeys(n.layer for n in self._nodes))
        counts = {}
        for n in self._nodes:
            counts[id(n.layer)] = counts.get(id(n.layer), 0) + 1
        self._shared = {k for k, c in counts.items() if c > 1}
        self._input_layers = [t.node.layer for t in self.inputs]
        self._input_ids = [id(t) for t in self.inputs]
        self._output_ids = [id(t) for t in self.outputs]
        self._plan = [  # what forward and backward read per node, computed once
            (
                n,
                n.layer,
                [id(t) for t in n.input_list],
                id(n.output),
                isinstance(n.inputs, (list, tuple)),
                id(n.layer) in self._shared,
            )
            for n in self._nodes
        ]
        self._input_layer = self._input_layers[0] if len(self.inputs) == 1 else None

    @property
    def layers(self) -> list:
        return self._input_layers + list(self._layers)

    @property
    def input_shape(self) -> tuple[int | None, ...] | list[tuple[int | None, ...]] | None:
        if self._subclassed:
            return None if self._input_layer is None else (None, *self._input_layer.shape)
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> tuple[int | None, ...] | list[tuple[int | None, ...]]:
        if self._subclassed:
            self._require_built("output_shape")
            return (None, *self._output_shape)
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def layer_input_shape(self) -> tuple[int | None, ...]:
        return tuple(self.input_shape[1:])

    @property
    def layer_output_shape(self) -> tuple[int | None, ...]:
        return tuple(self.output_shape[1:])

    def _configure_backward(self) -> None:
        """Which layers need dL/d(input) (not those fed only by the model's inputs)."""
        model_inputs = {id(t) for t in self.inputs or []}
        needs = {}
        for node in self._nodes:
            fed = any(id(t) not in model_inputs for t in node.input_list)
            needs[id(node.layer)] = needs.get(id(node.layer), False) or fed
        for layer in self._layers:
            if hasattr(layer, "need_input_grad"):
                layer.need_input_grad = needs.get(id(layer), True)
        self._first_grad = 0
        leaves = self.flat_layers()
        self._reg_layers = [lay for lay in leaves if lay.regularizers]
        self._act_reg_layers = [
            lay
            for lay in leaves
            if getattr(lay, "activity_regularizer", None) is not None or is_keras_style(lay)
        ]

    # -- forward and backward ------------------------------------------------------------
    def _forward(self, x, training):
        if self._subclassed:
            return forward_subclassed(self, x, training)
        xs = x.arrays if isinstance(x, InputArrays) else x if isinstance(x, list) else [x]
        values = dict(zip(self._input_ids, xs))
        for node, layer, in_ids, out_id, multi, shared in self._plan:
            arg = [values[i] for i in in_ids] if multi else values[in_ids[0]]
            values[out_id] = layer.forward(arg, training)
            if shared:
                node.snapshot = Snapshot(layer)
        out = [values[i] for i in self._output_ids]
        return out[0] if len(out) == 1 else out

    def _fusable(self):
        """Single output: True/False; several: one flag per output (its layer and loss)."""
        if self._subclassed:
            return False
        if len(self.outputs) == 1:
            return id(self.outputs[0].node.layer) not in self._shared and super()._fusable()
        return [
            id(t.node.layer) not in self._shared and _fuses(t.node.layer, loss)
            for t, loss in zip(self.outputs, self.loss.losses)
        ]

    # -- several outputs (models/multi_output.py) --------------------------------------
    @property
    def output_names(self) -> list:
        return [t.node.layer.name for t in self.outputs or []]

    def _multi(self) -> bool:
        return not self._subclassed and len(self.outputs) > 1

    def _compile_loss(self, loss, loss_weights):
        if not self._multi():
            return super()._compile_loss(loss, loss_weights)
        return OutputLosses(loss, self.output_names, loss_weights)

    def _build_metrics(self, y, out_shape):
        if not self._multi():
            return super()._build_metrics(y, out_shape)
        ys = y.arrays
        trackers = [LossTracker(self.loss, i) for i in range(len(self.outputs))]
        shapes = [t.shape for t in self.outputs]
        plain = output_metrics(self._metric_specs, self.output_names, ys, shapes, self.dtype)
        self.compiled_metrics = trackers + plain

    def _prepare_fit_data(self, x, y, sample_weight, class_weight):
        if not self._multi():
            return super()._prepare_fit_data(x, y, sample_weight, class_weight)
        if class_weight is not None:
            raise ValueError("class_weight is only supported for models with one output")
        x = self._prepare_input(x)
        ys = y.arrays if isinstance(y, InputArrays) else per_output(y, self.output_names, "y")
        arrays = []
        for t, loss, target in zip(self.outputs, self.loss.losses, ys):
            target = np.asarray(target)
            check_targets(loss, target, t.shape)
            if getattr(loss, "name", "") == "sparse_categorical_crossentropy":
                target = target.reshape(-1).astype(np.int64, copy=False)
            arrays.append(target)
        y = InputArrays(arrays)
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} samples and y {len(y)}")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=self.dtype).reshape(-1)
            if len(sample_weight) != len(y):
                raise ValueError(
                    f"sample_weight has {len(sample_weight)} entries for {len(y)} samples"
                )
        return x, y, sample_weight

    def _backward(self) -> None:
        if self._subclassed:
            backward_subclassed(self, self.loss.backward())
        elif self._multi():
            self.backward_from(self.loss.seeds(self._fused), fused=self._fused)
        else:
            seed = self.loss.fused_backward() if self._fused else self.loss.backward()
            self.backward_from([seed], fused=[self._fused])

    def backward_from(self, douts: list, fused: list | None = None) -> list[np.ndarray | None]:
        """Walk the nodes in reverse from dL/d(outputs); returns dL/d(inputs) (or None).

        ``fused[i]``: output i's seed is dL/dz of its activation, so that node runs
        ``backward_linear`` (the book's SoftmaxWithLoss shortcut).
        """
        grads = dict(zip(self._output_ids, douts))
        linear_nodes = {id(t.node) for t, f in zip(self.outputs, fused or []) if f}
        sums = {}
        for node, layer, in_ids, out_id, multi, shared in reversed(self._plan):
            g = grads.pop(out_id, None)
            if g is None:
                continue  # this node does not lead to the loss
            if id(node) in linear_nodes:  # g is dL/dz of the activation fused with the loss
                dx = layer.backward_linear(g) if hasattr(layer, "backward_linear") else g
            elif shared:
                dx = self._shared_backward(node, layer, g, sums)
            else:
                dx = layer.backward(g)
            for i, d in zip(in_ids, dx if multi else [dx]):
                if d is not None:
                    grads[i] = d if i not in grads else grads[i] + d
        for leaf, totals in sums.values():
            for key, total in totals.items():
                leaf.grads[key] = total
        return [grads.get(id(t)) for t in self.inputs]

    def _shared_backward(self, node, layer, g, sums):
        """A shared layer's backward for one of its calls; its gradients are summed."""
        with node.snapshot:
            dx = layer.backward(g)
        for leaf in layer.flat_layers() if hasattr(layer, "flat_layers") else [layer]:
            acc = sums.setdefault(id(leaf), (leaf, {}))[1]
            for key in leaf.grads:
                acc[key] = leaf.grads[key].copy() if key not in acc else acc[key] + leaf.grads[key]
        return dx

    def _call_on_tape(self, x, training):
        """The graph on tensors: every node a recorded layer call."""
        if self._subclassed:
            prepared = self._prepare_input(value_of(x))  # builds on the first call
            return call_model(self, x if is_tensor(x) else Tensor(prepared), training)
        xs = self._prepare_input(value_of(x) if not isinstance(x, (list, dict)) else x)
        given = x if isinstance(x, (list, tuple)) else [x]
        xs = xs.arrays if isinstance(xs, InputArrays) else [xs]
        values = {
            id(t): (g if is_tensor(g) else Tensor(a)) for t, g, a in zip(self.inputs, given, xs)
        }
        for node in self._nodes:
            ins = [values[id(t)] for t in node.input_list]
            arg = ins if isinstance(node.inputs, (list, tuple)) else ins[0]
            values[id(node.output)] = node.layer(arg, training=training)
        out = [values[id(t)] for t in self.outputs]
        return out[0] if len(out) == 1 else out

    # -- a model used as a layer ----------------------------------------------------------
    def backward(self, dout: np.ndarray | list[np.ndarray]) -> Any:
        if self._subclassed:
            return backward_subclassed(self, dout, need_dx=True)
        dxs = self.backward_from([dout])
        return dxs[0] if len(dxs) == 1 else dxs

    # -- inputs ------------------------------------------------------------------------
    def _prepare_input(self, x):
        if self._subclassed or len(self.inputs) == 1:
            return super()._prepare_input(x)
        if isinstance(x, InputArrays):  # already prepared (a validation split)
            return x
        if isinstance(x, dict):
            missing = [t.name for t in self.inputs if t.name not in x]
            if missing:
                raise ValueError(f"no data for the model's inputs {missing}; got keys {sorted(x)}")
            x = [x[t.name] for t in self.inputs]
        if not isinstance(x, (list, tuple)) or len(x) != len(self.inputs):
            raise ValueError(
                f"model {self.name!r} has {len(self.inputs)} inputs "
                f"{[t.name for t in self.inputs]}; give x as a list or dict of that many arrays"
            )
        arrays = [np.ascontiguousarray(a, dtype=self.dtype) for a in x]
        for t, a in zip(self.inputs, arrays):
            if a.shape[1:] != t.shape[1:]:
                raise ValueError(
                    f"input {t.name!r} expects shape {t.shape}, received shape {a.shape}"
                )
        return InputArrays(arrays)

    # -- config ---------------------------------------------------------------------------
    def _call_symbolic(self, x):
        if self._subclassed:
            raise ValueError(
                f"{type(self).__name__} is a subclassed model: call it on arrays or tensors; "
                "only functional and Sequential models can be called on keras.Input"
            )
        return super()._call_symbolic(x)

    def get_config(self) -> dict:
        """Layers and connections (models/graph_config.py); a subclass writes its own."""
        if self._subclassed:
            raise NotImplementedError(
                f"{type(self).__name__} is a subclassed model: write get_config (and pass the "
                "class in custom_objects to load it), or save and load its weights"
            )
        return graph_config(self, layers_module.serialize)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Model:
        """Rebuild a functional model: layers created again, their calls replayed."""
        custom = dict(custom_objects or {})
        models = {"Model": Model, "Functional": Model, "Sequential": Sequential}
        models.update(
            {k: v for k, v in custom.items() if isinstance(v, type) and issubclass(v, BaseModel)}
        )
        inputs, outputs = rebuild(config, lambda e: make_layer_from(e, custom, models))
        one = len(inputs) == 1 and len(outputs) == 1
        return cls(
            inputs[0] if one else inputs,
            outputs[0] if one else outputs,
            name=config.get("name"),
            seed=config.get("seed"),
        )

    def __repr__(self) -> str:
        return f"<Model name={self.name!r}, {len(self._layers)} layers>"
