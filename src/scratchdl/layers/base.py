"""The Layer contract every layer of scratchdl follows (docs/architecture.md).

A layer is a small object with explicit math:

* ``build(input_shape, rng)`` creates the weights: trainable ones with
  ``add_param(key, value)`` / ``add_weight(name, shape, ...)`` (each a ``Variable``
  with a zero gradient of the same shape), non-trainable ones (e.g. batch-norm
  running statistics) by ``self.state[key] = value``.  ``input_shape`` excludes the
  batch axis: ``(784,)`` for a Dense layer on MNIST vectors.
* ``forward(x, training)`` computes the output and caches only what ``backward``
  needs.  ``training`` is passed explicitly; there is no global flag.
* ``backward(dout)`` receives dL/d(output), returns dL/d(input) and writes (never
  accumulates into) every entry of ``self.grads``.
* ``compute_output_shape(input_shape)`` gives the output shape without running.
* ``get_config()`` returns the constructor arguments (JSON-serialisable), so a
  model can be rebuilt from its config; ``__repr__`` shows them.

``self.params``, ``self.grads`` and ``self.state`` map a weight's key to its live
array.  Once a model binds the layer to its flat store these arrays are views of
the store's buffers; writing in place (``out=``, ``[...] =``) or assigning
(``self.grads["kernel"] = x.T @ dz``) both land there, because assignment copies
into the existing array (``WeightDict``).  Replacing a whole dict
(``self.grads = {...}``) is refused with an error at the next training step.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from scratchdl.autodiff.calls import call_layer, on_tape
from scratchdl.autodiff.tensor import is_tensor, value_of
from scratchdl.eager import as_eager
from scratchdl.kernels import batch_sum  # kept importable from here (older imports)
from scratchdl.layers.custom import (
    backward_by_tape,
    build_keras_style,
    forward_by_tape,
    is_keras_style,
)
from scratchdl.layers.symbolic import call_symbolic, flatten_inputs, is_symbolic
from scratchdl.random import make_rng
from scratchdl.variables import Variable, WeightDict

__all__ = ["Layer", "reset_name_counters", "check_positive_int", "check_rate", "batch_sum"]

_NAME_COUNTERS: dict[str, int] = defaultdict(int)


def _snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def unique_name(prefix: str) -> str:
    """Keras-style auto names: ``dense``, ``dense_1``, ``dense_2`` ... per session."""
    n = _NAME_COUNTERS[prefix]
    _NAME_COUNTERS[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_name_counters() -> None:
    """Forget the auto-name counters (``keras.backend.clear_session`` does this)."""
    _NAME_COUNTERS.clear()


def check_positive_int(name: str, value: Any) -> int:
    """Return ``value`` as int, or raise ValueError naming it when it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
    return int(value)


def check_rate(name: str, value: Any, low: float = 0.0, high: float = 1.0) -> float:
    """Return ``value`` as float, or raise ValueError when it is outside [low, high]."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number in [{low}, {high}], received {name}={value!r}"
        ) from None
    if not (low <= v <= high):
        raise ValueError(f"{name} must be a number in [{low}, {high}], received {name}={value!r}")
    return v


def _shapes(shape):
    """A shape, or a list of shapes, as comparable tuples."""
    if shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)


def _batched(shape):
    if shape and isinstance(shape[0], (list, tuple)):
        return [(None, *tuple(s)) for s in shape]
    return (None, *tuple(shape))


class Layer:
    """Base class: naming, the ``input_shape=`` convenience, config and repr.

    Args:
        name: the layer's name; default is the snake_case class name plus a
            per-session counter (``dense``, ``dense_1``), as Keras names layers.
        trainable: when False the layer's parameters are not updated by ``fit``.
        input_shape / batch_input_shape: accepted on any layer, as in Keras;
            ``Sequential`` turns them into an ``InputLayer``.  (tf.keras 2.x's
            ``input_dim`` is the Keras face's: ``scratchdl.keras.layers.Dense``.)
        dtype: the float dtype the layer computes in; None takes the model's (or, for
            a layer called on its own, the input's).  A model refuses a layer whose
            dtype differs from its own.

    Any other keyword raises ``ValueError: Unrecognized keyword arguments passed to
    <Class>: {...}`` (Keras 3's message).
    """

    def __init__(
        self,
        name: str | None = None,
        trainable: bool = True,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self.dtype_arg = None if dtype is None else np.dtype(dtype)
        if self.dtype_arg is not None and self.dtype_arg.kind != "f":
            raise ValueError(f"dtype must be a float dtype, received dtype={dtype!r}")
        if input_shape is None and batch_input_shape is not None:
            input_shape = tuple(batch_input_shape)[1:]
        if isinstance(input_shape, (int, np.integer)):
            input_shape = (int(input_shape),)
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self._reset_weights()
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self.dtype = np.float32

    # -- the contract --------------------------------------------------------
    def build(
        self,
        input_shape: tuple[int | None, ...] | list[tuple[int | None, ...]],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        """Create parameters for inputs of ``input_shape`` (batch axis excluded)."""
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(self.compute_output_shape(self.input_shape))
        self.dtype = np.dtype(dtype)
        self._build_rng = rng
        self.built = True

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...] | list[tuple[int | None, ...]]
    ) -> tuple[int | None, ...]:
        return tuple(input_shape)

    def forward(self, x: np.ndarray | list[np.ndarray], training: bool = False) -> np.ndarray:
        """The layer's output.  A Keras-style subclass writes ``call`` instead (custom.py)."""
        if is_keras_style(self):
            return forward_by_tape(self, x, training)
        raise NotImplementedError(
            f"{type(self).__name__} defines neither call(inputs) (Keras's way, with tensor "
            "ops) nor forward(x, training) and backward(dout) (the engine's way)"
        )

    def backward(self, dout: np.ndarray) -> np.ndarray | list[np.ndarray]:
        """dL/dx, writing dL/dθ into ``grads``; from the tape for a Keras-style layer."""
        if is_keras_style(self):
            return backward_by_tape(self, dout)
        raise NotImplementedError(
            f"{type(self).__name__} does not define backward(dout), so it cannot be trained; "
            "write backward(dout) returning dL/dx and filling self.grads"
        )

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        """Keras's extension point: the output written with tensor ops (see custom.py)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define call(inputs); a Keras layer subclass "
            "writes call(self, inputs) returning its output"
        )

    call.engine_default = True
    forward.engine_default = True

    def build_for(
        self,
        input_shape: tuple[int | None, ...] | list[tuple[int | None, ...]],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        """Build for inputs of ``input_shape`` (no batch axis), engine- or Keras-style."""
        if is_keras_style(self):
            build_keras_style(self, tuple(input_shape), rng, dtype)
        else:
            self.build(tuple(input_shape), rng=rng, dtype=dtype)

    def add_loss(self, value: Any) -> None:
        """Keras: add a term (a tensor from ``call``) to the model's loss; trained by fit."""
        if not hasattr(self, "layer_losses"):
            self.layer_losses = []
        self.layer_losses.append(value)

    def activity_penalty(self) -> float:
        """The ``add_loss`` terms of the last forward, summed (0.0 when there are none)."""
        return float(sum(np.sum(value_of(v)) for v in getattr(self, "layer_losses", [])))

    @property
    def losses(self) -> list:
        """The loss terms the last call added with ``add_loss``."""
        return list(getattr(self, "layer_losses", []))

    # -- calling a layer like a function ----------------------------------------------
    def __call__(self, inputs: Any, training: bool | None = None) -> Any:
        """``layer(x)``: build on the first call from ``x``'s shape, then ``forward``.

        Returns an ``EagerTensor`` (an ndarray with ``.numpy()``).  ``training``
        defaults to False (inference), as outside ``fit`` in Keras.  A built layer
        keeps its weights; an input it was not built for raises.
        """
        multi = getattr(self, "multi_input", False)
        if multi and not isinstance(inputs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs")
        if not multi and isinstance(inputs, (list, tuple)):
            if is_symbolic(inputs) or any(is_tensor(t) for t in inputs):
                raise ValueError(
                    f"layer {self.name!r} takes one input, received a list of {len(inputs)}; "
                    "join them first (e.g. keras.layers.concatenate)"
                )
            inputs = np.asarray(inputs)  # nested lists of numbers, as Keras converts them
        symbolic = is_symbolic(inputs)
        items = flatten_inputs(inputs)
        shapes = [tuple(t.shape[1:]) if symbolic else np.shape(value_of(t))[1:] for t in items]
        if any(len(np.shape(value_of(t)) if not symbolic else t.shape) < 1 for t in items):
            raise ValueError(f"layer {self.name!r} needs a batch of inputs, received {inputs!r}")
        input_shape = shapes if getattr(self, "multi_input", False) else shapes[0]
        self._build_or_check(input_shape, items[0])
        if symbolic:  # the functional API: record the call, compute nothing
            return call_symbolic(self, inputs, input_shape, self.output_shape)
        if on_tape(*items):  # recorded as one op whose backward is self.backward
            return call_layer(self, inputs, bool(training))
        xs = [np.asarray(value_of(t)).astype(self.dtype, copy=False) for t in items]
        x = xs if getattr(self, "multi_input", False) else xs[0]
        return as_eager(self.forward(x, training=bool(training)))

    def _build_or_check(self, input_shape, first) -> None:
        """Build on the first call; later calls must bring the shape it was built for."""
        if not self.built:
            dtype = np.dtype(getattr(first, "dtype", None) or np.asarray(first).dtype)
            dtype = dtype if dtype.kind == "f" else np.dtype(np.float32)
            dtype = self.dtype_arg if self.dtype_arg is not None else dtype
            self.build_for(input_shape, rng=make_rng(None), dtype=dtype)
        elif _shapes(input_shape) != _shapes(self.input_shape):
            raise ValueError(
                f"Input of layer {self.name!r} is incompatible: it was built for inputs of "
                f"shape {_batched(self.input_shape)}, received shape {_batched(input_shape)}"
            )

    # -- weights -------------------------------------------------------------------
    def _reset_weights(self) -> None:
        """Forget every weight (a layer is built once; models never call this on built layers)."""
        self.params = WeightDict(self, "params")
        self.grads = WeightDict(self, "grads")
        self.state = WeightDict(self, "state")
        self._variables: dict[str, Variable] = {}
        self.regularizers: dict = {}  # key -> regularizer, for weight penalties
        self.constraints: dict = {}  # key -> constraint, applied after each update

    def _create_weight(self, key, value, trainable, regularizer=None, constraint=None):
        """Make the Variable for ``key`` and file its arrays in params/grads or state."""
        if key in self._variables:
            raise ValueError(f"layer {self.name!r} already has a weight named {key!r}")
        value = np.asarray(value)
        dtype = value.dtype if value.dtype.kind == "f" else self.dtype
        var = Variable(
            value,
            trainable=trainable,
            name=key,
            dtype=dtype,
            regularizer=regularizer,
            constraint=constraint,
            path=f"{self.name}/{key}",
        )
        self._variables[key] = var
        var._owner = self
        if trainable:
            self.params._put(key, var.value)
            self.grads._put(key, var.grad)
        else:
            self.state._put(key, var.value)
        if regularizer is not None:
            self.regularizers[key] = regularizer
        if constraint is not None:
            self.constraints[key] = constraint
        return var

    def add_param(
        self, key: str, value: ArrayLike, regularizer: Any = None, constraint: Any = None
    ) -> Variable:
        """Register a trainable array (a Variable with a zero gradient of its shape)."""
        return self._create_weight(key, value, True, regularizer, constraint)

    def add_weight(
        self,
        name: str | None = None,
        shape: Sequence[int] = (),
        initializer: Any = "glorot_uniform",
        dtype: DTypeLike | None = None,
        trainable: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
    ) -> Variable:
        """Keras's way to create a weight: ``initializer`` draws its first value.

        Convention: Keras's default initializer is glorot_uniform for any weight;
        the draw uses the ``rng`` of the current ``build`` (reproducible per seed).
        """
        from scratchdl import initializers

        if name is None:
            name = f"weight_{len(self._variables)}"
        init = initializers.get(initializer)
        dtype = np.dtype(dtype) if dtype is not None else self.dtype
        rng = getattr(self, "_build_rng", None) or np.random.default_rng()
        value = init(tuple(int(d) for d in shape), rng, dtype=dtype)
        return self._create_weight(name, value, trainable, regularizer, constraint)

    def variables_by_key(self, trainable: bool = True) -> list[tuple[str, Variable]]:
        """``(key, Variable)`` pairs of the trainable (or non-trainable) weights, in order."""
        source = self.params if trainable else self.state
        return [(k, self._variables[k]) for k in source]

    @property
    def weights(self) -> list[Variable]:
        """Every weight in Keras order: trainable ones first, then the state."""
        return [self._variables[k] for k in self.params] + [self._variables[k] for k in self.state]

    @property
    def trainable_weights(self) -> list[Variable]:
        return [self._variables[k] for k in self.params] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        frozen = [] if self.trainable else [self._variables[k] for k in self.params]
        return frozen + [self._variables[k] for k in self.state]

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    def check_wiring(self) -> None:
        """Raise when ``params``/``grads``/``state`` no longer hold the Variables' arrays.

        Catches ``self.grads = {...}`` (a replaced dict) before training goes on
        silently without that layer's gradients.
        """
        for kind in ("params", "grads", "state"):
            d = getattr(self, kind)
            if not isinstance(d, WeightDict):
                raise TypeError(
                    f"layer {self.name!r} replaced its {kind} dict with a "
                    f"{type(d).__name__}; write into the existing entries instead "
                    f"(self.{kind}[key][...] = value, or self.{kind}[key] = value)"
                )
        for key, var in self._variables.items():
            arrays = (self.params, self.grads) if key in self.params else (self.state,)
            expected = (var.value, var.grad) if key in self.params else (var.value,)
            for d, arr in zip(arrays, expected):
                if d.get(key) is not arr:
                    raise RuntimeError(f"layer {self.name!r}: weight {key!r} lost its storage")

    def penalty(self) -> float:
        """Sum of the weight regularizers' penalties on this layer's parameters."""
        return float(sum(reg(self.params[k]) for k, reg in self.regularizers.items()))

    def add_penalty_gradients(self) -> None:
        """Add each regularizer's gradient into the matching ``grads`` entry (in place)."""
        for k, reg in self.regularizers.items():
            self.grads[k] += reg.gradient(self.params[k])

    def count_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def count_state(self) -> int:
        return int(sum(s.size for s in self.state.values()))

    # -- weights as arrays, in Keras order ---------------------------------------
    def weight_keys(self) -> list[tuple[str, str]]:
        """Keys of ``get_weights`` in Keras order: trainable first, then state."""
        return [("params", k) for k in self.params] + [("state", k) for k in self.state]

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[ArrayLike]) -> None:
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f"layer {self.name!r} expects {len(variables)} weight arrays, "
                f"received {len(weights)}"
            )
        for var, w in zip(variables, weights):
            var.assign(w)

    # -- config ----------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable}
        if self.input_shape_arg is not None:
            config["input_shape"] = list(self.input_shape_arg)
        return config

    def __repr__(self) -> str:
        cfg = {k: v for k, v in self.get_config().items() if k not in ("trainable",)}
        args = ", ".join(f"{k}={v!r}" for k, v in cfg.items())
        return f"{type(self).__name__}({args})"
