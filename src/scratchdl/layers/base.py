"""The Layer contract every layer of scratchdl follows (DESIGN §3).

A layer is a small object with explicit math:

* ``build(input_shape, rng)`` creates the parameters in ``self.params`` (trainable
  arrays), zero gradients of the same shapes in ``self.grads``, and non-trainable
  arrays (e.g. batch-norm running statistics) in ``self.state``.  ``input_shape``
  excludes the batch axis: ``(784,)`` for a Dense layer on MNIST vectors.
* ``forward(x, training)`` computes the output and caches only what ``backward``
  needs.  ``training`` is passed explicitly; there is no global flag.
* ``backward(dout)`` receives dL/d(output) and returns dL/d(input); it *writes*
  (never accumulates into) every entry of ``self.grads``.
* ``compute_output_shape(input_shape)`` gives the output shape without running.
* ``get_config()`` returns the constructor arguments (JSON-serialisable), so a
  model can be rebuilt from its config; ``__repr__`` shows them.

After a model binds its layers to a ``ParamStore``, ``params``/``grads`` entries are
views into the model's flat buffers: write into them (``out=``, ``[...] =``), never
rebind them.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from scratchdl.kernels import batch_sum  # kept importable from here (older imports)

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


def check_positive_int(name: str, value) -> int:
    """Return ``value`` as int, or raise ValueError naming it when it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
    return int(value)


def check_rate(name: str, value, low=0.0, high=1.0) -> float:
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


class Layer:
    """Base class: naming, the ``input_shape=`` convenience, config and repr.

    Args:
        name: the layer's name; default is the snake_case class name plus a
            per-session counter (``dense``, ``dense_1``), as Keras names layers.
        trainable: when False the layer's parameters are not updated by ``fit``.
        input_shape / input_dim / batch_input_shape: accepted on any layer, as in
            Keras; ``Sequential`` turns them into an ``InputLayer``.
        dtype: accepted for compatibility; the model decides the compute dtype.

    Any other keyword raises ``ValueError: Unrecognized keyword arguments passed to
    <Class>: {...}`` (Keras 3's message).
    """

    def __init__(self, name=None, trainable=True, dtype=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if input_shape is None and input_dim is not None:
            input_shape = (check_positive_int("input_dim", input_dim),)
        if input_shape is None and batch_input_shape is not None:
            input_shape = tuple(batch_input_shape)[1:]
        if isinstance(input_shape, (int, np.integer)):
            input_shape = (int(input_shape),)
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] = {}
        self.regularizers: dict = {}  # key -> regularizer, for weight penalties
        self.constraints: dict = {}  # key -> constraint, applied after each update
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self.dtype = np.float32

    # -- the contract --------------------------------------------------------
    def build(self, input_shape, rng: np.random.Generator | None = None, dtype=np.float32):
        """Create parameters for inputs of ``input_shape`` (batch axis excluded)."""
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(self.compute_output_shape(self.input_shape))
        self.dtype = np.dtype(dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    # -- helpers for subclasses ----------------------------------------------
    def add_param(self, key, value, regularizer=None, constraint=None):
        """Register a trainable array and a zero gradient of the same shape and dtype."""
        self.params[key] = value
        self.grads[key] = np.zeros_like(value)
        if regularizer is not None:
            self.regularizers[key] = regularizer
        if constraint is not None:
            self.constraints[key] = constraint

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

    # -- weights in Keras order ----------------------------------------------
    def weight_keys(self):
        """Keys of ``get_weights`` in Keras order: trainable first, then state."""
        return [("params", k) for k in self.params] + [("state", k) for k in self.state]

    def get_weights(self):
        return [getattr(self, kind)[k].copy() for kind, k in self.weight_keys()]

    def set_weights(self, weights):
        keys = self.weight_keys()
        if len(weights) != len(keys):
            raise ValueError(
                f"layer {self.name!r} expects {len(keys)} weight arrays, received {len(weights)}"
            )
        for (kind, k), w in zip(keys, weights):
            target = getattr(self, kind)[k]
            w = np.asarray(w)
            if w.shape != target.shape:
                raise ValueError(
                    f"layer {self.name!r} weight {k!r} has shape {target.shape}, "
                    f"received an array of shape {w.shape}"
                )
            target[...] = w

    # -- config ----------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable}
        if self.input_shape_arg is not None:
            config["input_shape"] = list(self.input_shape_arg)
        return config

    def __repr__(self):
        cfg = {k: v for k, v in self.get_config().items() if k not in ("trainable",)}
        args = ", ".join(f"{k}={v!r}" for k, v in cfg.items())
        return f"{type(self).__name__}({args})"
