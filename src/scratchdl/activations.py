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

import math

import numpy as np

__all__ = [
    "ActivationFunction", "Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU",
    "Softplus", "Softsign", "SiLU", "GELU", "Exponential", "HardSigmoid", "ReLU6", "Mish",
    "LogSoftmax", "Softmax", "CallableActivation", "get", "serialize", "names",
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus", "softsign",
    "swish", "silu", "gelu", "exponential", "hard_sigmoid", "relu6", "mish", "log_softmax",
    "softmax",
]  # fmt: skip

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)


def _check_slope(negative_slope):
    if negative_slope is None or not float(negative_slope) >= 0:
        raise ValueError(f"negative_slope must be >= 0, received negative_slope={negative_slope!r}")


def _sigmoid(z, out=None):
    """Stable logistic: ``1 / (1 + exp(-z))``; exp overflows to inf for z << 0 (-> exactly 0).

    ``out=z`` computes it in place (no temporary array).
    """
    with np.errstate(over="ignore"):
        y = np.exp(-z) if out is None else np.exp(np.negative(z, out=out), out=out)
    y += 1
    return np.reciprocal(y, out=y)


_ZEROS: dict = {}


def _zeros_like(z):
    """A cached all-zero array of z's shape and dtype (read only by convention).

    ``np.maximum(z, zeros)`` is 2-3x faster than ``np.maximum(z, 0)`` on (100, 100)
    float32 (2 vs 5 us measured here): a scalar operand takes a slower broadcast loop.
    """
    key = (z.shape, z.dtype)
    zeros = _ZEROS.get(key)
    if zeros is None:
        if len(_ZEROS) > 64:  # many batch shapes (predict/evaluate tails): start over
            _ZEROS.clear()
        zeros = _ZEROS[key] = np.zeros(z.shape, z.dtype)
    return zeros


class ActivationFunction:
    """Base class (also the identity).  Subclasses override ``forward``/``backward``.

    Forward: y = z.   Backward: dz = dout.   Shapes: any; y and dz have z's shape.
    """

    name = "linear"
    _params: tuple = ()
    backward_uses_z = True  # False: backward reads only y, so forward may overwrite z

    def forward(self, z):
        return z

    def forward_inplace(self, z):
        """``forward(z)`` written over ``z`` when ``backward_uses_z`` is False; returns y.

        Layers call it on their own fresh pre-activation (Dense's ``x @ W + b``),
        never on an array they were given: it saves one allocation per call.
        Activations without an in-place form simply return ``forward(z)``.
        """
        return self.forward(z)

    def backward(self, dout, z, y):
        return dout

    def __call__(self, z):
        return self.forward(_as_float(z))

    def get_config(self) -> dict:
        """Constructor arguments (listed in ``_params``) plus ``name``; JSON-serialisable."""
        return {"name": self.name, **{k: getattr(self, k) for k in self._params}}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class Linear(ActivationFunction):
    """Identity.  Forward: y = z.  Backward: dz = dout."""


class Sigmoid(ActivationFunction):
    """Forward: y = 1 / (1 + exp(-z)), stable: exactly 0/1 at -+1000, no warning.

    Backward: dz = dout * y * (1 - y).
    """

    name = "sigmoid"
    backward_uses_z = False

    def forward(self, z):
        return _sigmoid(z)

    def forward_inplace(self, z):
        return _sigmoid(z, out=z)

    def backward(self, dout, z, y):
        dz = 1 - y  # dout * (y * (1 - y)) with one temporary instead of three
        dz *= y
        dz *= dout
        return dz


class Tanh(ActivationFunction):
    """Forward: y = tanh(z).  Backward: dz = dout * (1 - y**2)."""

    name = "tanh"
    backward_uses_z = False

    def forward(self, z):
        return np.tanh(z)

    def forward_inplace(self, z):
        return np.tanh(z, out=z)

    def backward(self, dout, z, y):
        return dout * (1 - y * y)


class ReLU(ActivationFunction):
    """Rectified linear unit with the options of the Keras ``ReLU`` layer.

    Forward:  pos = z if z > threshold else 0, clipped to [0, max_value] when max_value is set;
              y = pos + negative_slope * min(z - threshold, 0).  Defaults: y = max(z, 0).
    Backward: dz = dout * ([z > threshold and (max_value is None or 0 < z < max_value)]
              + negative_slope * [z < threshold]).
    Args: max_value (>= 0 or None), negative_slope (>= 0), threshold (a float).
    Convention: tf.keras calls the slope ``alpha``.  The derivative at a kink is taken as 0.
    """

    name = "relu"
    _params = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0):
        if max_value is not None and not float(max_value) >= 0:
            raise ValueError(f"max_value must be >= 0 or None, received max_value={max_value!r}")
        _check_slope(negative_slope)
        if threshold is None or not math.isfinite(float(threshold)):
            raise ValueError(f"threshold must be a finite number, received threshold={threshold!r}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)
        self._plain = self.max_value is None and self.negative_slope == 0 and self.threshold == 0

    def forward(self, z):
        if self._plain:
            return np.maximum(z, _zeros_like(z))
        y = np.where(z > self.threshold, z, 0)
        if self.max_value is not None:
            y = np.clip(y, 0, self.max_value)
        if self.negative_slope:
            y = y + self.negative_slope * np.minimum(z - self.threshold, 0)
        return y

    def backward(self, dout, z, y):
        if self._plain:
            return dout * (z > 0)
        mask = z > self.threshold
        if self.max_value is not None:
            mask &= (z > 0) & (z < self.max_value)
        slope = mask + self.negative_slope * (z < self.threshold)
        return dout * slope.astype(dout.dtype, copy=False)


class LeakyReLU(ActivationFunction):
    """Forward: y = z if z > 0 else negative_slope * z.  Backward: dz = dout * (1 or slope).

    Convention: default slope 0.2 = Keras's ``activations.leaky_relu`` and the string
    ``"leaky_relu"``; the Keras *layer* ``LeakyReLU`` passes its own default 0.3.
    """

    name = "leaky_relu"
    _params = ("negative_slope",)

    def __init__(self, negative_slope=0.2):
        _check_slope(negative_slope)
        self.negative_slope = float(negative_slope)

    def forward(self, z):
        return np.where(z > 0, z, self.negative_slope * z)

    def backward(self, dout, z, y):
        return np.where(z > 0, dout, self.negative_slope * dout)


class ELU(ActivationFunction):
    """Forward: y = z if z > 0 else alpha*(exp(z)-1).  Backward: dz = dout * (1 or y + alpha).

    Reference: Clevert et al. 2015, https://arxiv.org/abs/1511.07289
    """

    name = "elu"
    _params = ("alpha",)

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def backward(self, dout, z, y):
        return dout * np.where(z > 0, 1, y + self.alpha)


class SELU(ActivationFunction):
    """Forward: y = scale * elu(z, alpha), alpha = 1.67326324, scale = 1.05070099.

    Backward: dz = dout * (scale if z > 0 else y + scale*alpha).
    Reference: Klambauer et al. 2017, https://arxiv.org/abs/1706.02515
    """

    name = "selu"

    def forward(self, z):
        return _SELU_SCALE * np.where(z > 0, z, _SELU_ALPHA * np.expm1(np.minimum(z, 0)))

    def backward(self, dout, z, y):
        return dout * np.where(z > 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA)


class Softplus(ActivationFunction):
    """Forward: y = log(1 + exp(z)) = logaddexp(0, z) (stable).  Backward: dz = dout*sigmoid(z)."""

    name = "softplus"

    def forward(self, z):
        return np.logaddexp(0, z)

    def backward(self, dout, z, y):
        return dout * _sigmoid(z)


class Softsign(ActivationFunction):
    """Forward: y = z / (1 + |z|).  Backward: dz = dout / (1 + |z|)**2."""

    name = "softsign"

    def forward(self, z):
        return z / (1 + np.abs(z))

    def backward(self, dout, z, y):
        return dout / np.square(1 + np.abs(z))


class SiLU(ActivationFunction):
    """Swish / SiLU.  Forward: y = z * s, s = sigmoid(z).  Backward: dz = dout*s*(1 + z*(1-s)).

    Reference: Ramachandran et al. 2017, https://arxiv.org/abs/1710.05941
    """

    name = "silu"

    def __init__(self, name="silu"):
        self.name = name

    def forward(self, z):
        return z * _sigmoid(z)

    def backward(self, dout, z, y):
        s = _sigmoid(z)
        return dout * (s * (1 + z * (1 - s)))


class GELU(ActivationFunction):
    """Gaussian error linear unit.

    Forward (exact):  y = 0.5 z (1 + erf(z / sqrt 2)) = z * Phi(z)     (math.erf per element)
    Backward (exact): dz = dout * (Phi(z) + z * exp(-z**2 / 2) / sqrt(2 pi))
    Forward (approximate=True): y = 0.5 z (1 + t), t = tanh(c (z + 0.044715 z**3)), c = sqrt(2/pi)
    Backward: dz = dout * (0.5 (1 + t) + 0.5 z (1 - t**2) c (1 + 3*0.044715 z**2))
    Reference: Hendrycks & Gimpel 2016, https://arxiv.org/abs/1606.08415
    """

    name = "gelu"
    _params = ("approximate",)

    def __init__(self, approximate=False):
        self.approximate = bool(approximate)

    def _phi_or_t(self, z):
        if self.approximate:
            return np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3))
        return 0.5 * (1 + _erf(z * (1 / math.sqrt(2.0))).astype(z.dtype))

    def forward(self, z):
        a = self._phi_or_t(z)
        return 0.5 * z * (1 + a) if self.approximate else z * a

    def backward(self, dout, z, y):
        a = self._phi_or_t(z)
        if self.approximate:
            inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z * z)
            return dout * (0.5 * (1 + a) + 0.5 * z * (1 - a * a) * inner)
        return dout * (a + z * np.exp(-0.5 * z * z) * _INV_SQRT_2PI)


class Exponential(ActivationFunction):
    """Forward: y = exp(z).  Backward: dz = dout * y."""

    name = "exponential"

    def forward(self, z):
        return np.exp(z)

    def backward(self, dout, z, y):
        return dout * y


class HardSigmoid(ActivationFunction):
    """tf.keras 2.x form.  Forward: y = clip(0.2 z + 0.5, 0, 1).  Backward: 0.2 for |z| < 2.5.

    Convention: Keras 3 uses relu6(z + 3) / 6 (slope 1/6, flat outside |z| >= 3).
    """

    name = "hard_sigmoid"

    def forward(self, z):
        return np.clip(0.2 * z + 0.5, 0, 1)

    def backward(self, dout, z, y):
        return dout * (np.abs(z) < 2.5) * 0.2


class ReLU6(ActivationFunction):
    """Forward: y = min(max(z, 0), 6).  Backward: dz = dout * [0 < z < 6]."""

    name = "relu6"

    def forward(self, z):
        return np.clip(z, 0, 6)

    def backward(self, dout, z, y):
        return dout * ((z > 0) & (z < 6))


class Mish(ActivationFunction):
    """Forward: y = z tanh(softplus(z)).  Backward: dz = dout (t + z (1 - t**2) sigmoid(z)).

    Reference: Misra 2019, https://arxiv.org/abs/1908.08681
    """

    name = "mish"

    def forward(self, z):
        return z * np.tanh(np.logaddexp(0, z))

    def backward(self, dout, z, y):
        t = np.tanh(np.logaddexp(0, z))
        return dout * (t + z * (1 - t * t) * _sigmoid(z))


class Softmax(ActivationFunction):
    """Forward: y = exp(z - max z) / sum(exp(z - max z)) along ``axis`` (stable).

    Backward: dz = y * (dout - sum(dout * y, axis)).  Shapes: any; normalised on ``axis``.
    """

    name = "softmax"
    _params = ("axis",)
    backward_uses_z = False

    def __init__(self, axis=-1):
        self.axis = int(axis)

    def forward(self, z):
        return self._normalise(z - np.maximum.reduce(z, axis=self.axis, keepdims=True))

    def forward_inplace(self, z):
        z -= np.maximum.reduce(z, axis=self.axis, keepdims=True)
        return self._normalise(z)

    def _normalise(self, y):
        # ufunc.reduce instead of np.max/np.sum: same result, ~2 us less Python per call
        np.exp(y, out=y)
        y /= np.add.reduce(y, axis=self.axis, keepdims=True)
        return y

    def backward(self, dout, z, y):
        dz = dout * y
        dz -= y * np.sum(dz, axis=self.axis, keepdims=True)
        return dz


class LogSoftmax(Softmax):
    """Forward: y = z - max z - log(sum(exp(z - max z))) along ``axis``.

    Backward: dz = dout - exp(y) * sum(dout, axis).
    """

    name = "log_softmax"

    def forward_inplace(self, z):
        return self.forward(z)

    def forward(self, z):
        y = z - np.max(z, axis=self.axis, keepdims=True)
        y -= np.log(np.sum(np.exp(y), axis=self.axis, keepdims=True))
        return y

    def backward(self, dout, z, y):
        return dout - np.exp(y) * np.sum(dout, axis=self.axis, keepdims=True)


class CallableActivation(ActivationFunction):
    """Wraps a plain callable ``fn(z) -> y``: forward works, backward raises a clear error."""

    def __init__(self, fn):
        self.fn, self.name = fn, getattr(fn, "__name__", type(fn).__name__)

    def forward(self, z):
        return np.asarray(self.fn(z))

    def backward(self, dout, z, y):
        raise ValueError(
            f"activation {self.name!r} is a plain callable without a backward, so it cannot be "
            f"trained through; use one of {names()} or subclass ActivationFunction"
        )


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


def get(identifier) -> ActivationFunction:
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


def serialize(activation):
    """The Keras string when the activation has its default settings, else a dict."""
    act = get(activation)
    if isinstance(act, CallableActivation):
        return act.name
    if act.name in _REGISTRY and repr(_REGISTRY[act.name]()) == repr(act):
        return act.name
    return {"class_name": type(act).__name__, "config": act.get_config()}


def _as_float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float32)


# Module-level functions, as keras.activations.*: float input keeps its dtype.  The ones
# without hyper-parameters are shared (stateless) instances, callable like functions.
linear, sigmoid, tanh, selu = Linear(), Sigmoid(), Tanh(), SELU()
softplus, softsign, silu, swish = Softplus(), Softsign(), SiLU(), SiLU("swish")
exponential, hard_sigmoid, relu6, mish = Exponential(), HardSigmoid(), ReLU6(), Mish()


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    return ReLU(max_value, negative_slope, threshold)(x)


def leaky_relu(x, negative_slope=0.2):
    return LeakyReLU(negative_slope)(x)


def elu(x, alpha=1.0):
    return ELU(alpha)(x)


def gelu(x, approximate=False):
    return GELU(approximate)(x)


def softmax(x, axis=-1):
    return Softmax(axis)(x)


def log_softmax(x, axis=-1):
    return LogSoftmax(axis)(x)


_FUNCTIONS = {relu: "relu", leaky_relu: "leaky_relu", elu: "elu", gelu: "gelu",
              softmax: "softmax", log_softmax: "log_softmax"}  # fmt: skip
