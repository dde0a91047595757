"""Activation functions: ``forward(z) -> y`` and ``backward(dout, z, y) -> dz``.

Each activation is a small *stateless* object: the caller (a Dense or Activation
layer) keeps ``z`` (the input) and ``y`` (the output of the last forward) and hands
both back to ``backward``, which returns ``dz = dout * dy/dz`` (or the Jacobian
product for softmax / log_softmax).  ``get(identifier)`` turns ``None``, a Keras
string, an instance or a callable into such an object; the module-level functions
(``relu(x)``, ``softmax(x)``, ...) mirror ``keras.activations.*``.

Dtype: float32 in, float32 out (constants are Python floats, which NumPy 2 keeps
weak); integer input to the module-level functions is cast to float32.

Conventions (Keras reference A1):
* the string ``"leaky_relu"`` has slope 0.2 (``LeakyReLU()`` here too); the Keras
  *layer* ``LeakyReLU`` defaults to 0.3 -- that default belongs to the layer.
* ``hard_sigmoid`` follows tf.keras 2.x: ``clip(0.2 z + 0.5, 0, 1)`` (so
  hard_sigmoid(1) = 0.7).  Keras 3 changed it to ``relu6(z + 3) / 6`` (0.6667).
* ``gelu(approximate=False)`` is the exact ``0.5 z (1 + erf(z / sqrt 2))`` with
  ``math.erf`` applied elementwise (NumPy has no erf; slower, not on a hot path);
  ``approximate=True`` is the tanh form of Hendrycks & Gimpel.
* ``"swish"`` and ``"silu"`` are the same function ``z * sigmoid(z)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.activations.base import (  # noqa: F401  (_sigmoid: used by the losses)
    ActivationFunction,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    _as_float,
    _sigmoid,
)
from scratchdl.activations.smooth import (
    ELU,
    GELU,
    SELU,
    CallableActivation,
    Exponential,
    HardSigmoid,
    Mish,
    ReLU6,
    SiLU,
    Softplus,
    Softsign,
)

__all__ = [
    "ActivationFunction", "Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU",
    "Softplus", "Softsign", "SiLU", "GELU", "Exponential", "HardSigmoid", "ReLU6", "Mish",
    "LogSoftmax", "Softmax", "CallableActivation", "get", "serialize", "names",
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus", "softsign",
    "swish", "silu", "gelu", "exponential", "hard_sigmoid", "relu6", "mish", "log_softmax",
    "softmax",
]  # fmt: skip

_REGISTRY = {
    "linear": Linear, "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
    "elu": ELU, "selu": SELU, "softplus": Softplus, "softsign": Softsign,
    "swish": lambda: SiLU("swish"), "silu": SiLU, "gelu": GELU, "exponential": Exponential,
    "hard_sigmoid": HardSigmoid, "relu6": ReLU6, "mish": Mish, "log_softmax": LogSoftmax,
    "softmax": Softmax,
}  # fmt: skip
_CLASSES = {c.__name__: c for c in ActivationFunction.__subclasses__() + [LogSoftmax]}


def names() -> list[str]:
    """The activation strings ``get`` accepts."""
    return sorted(_REGISTRY)


def get(
    identifier: str | dict[str, Any] | ActivationFunction | Callable[..., Any] | None,
) -> ActivationFunction:
    """None -> linear; a name ("relu"); a dict {"class_name", "config"}; an object with
    ``forward``/``backward``; a module function (``relu``); any other callable is wrapped."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(f"Unknown activation function: {identifier!r}. Valid names: {names()}")
        return _REGISTRY[identifier]()
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if hasattr(identifier, "forward") and hasattr(identifier, "backward"):
        return identifier
    if callable(identifier):
        fname = _FUNCTIONS.get(identifier)
        return get(fname) if fname else CallableActivation(identifier)
    raise ValueError(f"Could not interpret activation identifier: {identifier!r}")


def _from_dict(d):
    cls = _CLASSES.get(d.get("class_name"))
    if cls is None:
        raise ValueError(
            f"Unknown activation class {d.get('class_name')!r}; valid: {sorted(_CLASSES)}"
        )
    config = {k: v for k, v in dict(d.get("config") or {}).items() if k != "name"}
    obj = cls(**config)
    if "name" in (d.get("config") or {}):
        obj.name = d["config"]["name"]
    return obj


def serialize(
    activation: str | dict[str, Any] | ActivationFunction | Callable[..., Any] | None,
) -> str | dict[str, Any]:
    """The Keras string when the activation has its default settings, else a dict."""
    act = get(activation)
    if isinstance(act, CallableActivation):
        return act.name
    if act.name in _REGISTRY and repr(_REGISTRY[act.name]()) == repr(act):
        return act.name
    return {"class_name": type(act).__name__, "config": act.get_config()}


# Module-level functions, as keras.activations.*: float input keeps its dtype.  The ones
# without hyper-parameters are shared (stateless) instances, callable like functions.
linear, sigmoid, tanh, selu = Linear(), Sigmoid(), Tanh(), SELU()
softplus, softsign, silu, swish = Softplus(), Softsign(), SiLU(), SiLU("swish")
exponential, hard_sigmoid, relu6, mish = Exponential(), HardSigmoid(), ReLU6(), Mish()


def relu(
    x: ArrayLike,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> np.ndarray:
    return ReLU(max_value, negative_slope, threshold)(x)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.2) -> np.ndarray:
    return LeakyReLU(negative_slope)(x)


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    return ELU(alpha)(x)


def gelu(x: ArrayLike, approximate: bool = False) -> np.ndarray:
    return GELU(approximate)(x)


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    return Softmax(axis)(x)


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    return LogSoftmax(axis)(x)


_FUNCTIONS = {relu: "relu", leaky_relu: "leaky_relu", elu: "elu", gelu: "gelu",
              softmax: "softmax", log_softmax: "log_softmax"}  # fmt: skip
