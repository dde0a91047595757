"""The activation base class and the units on the training hot path: linear, sigmoid,
tanh, ReLU, leaky ReLU, softmax, log-softmax (see the package docstring for conventions)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.kernels import last_axis_max, last_axis_sum, zeros_like

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


def _as_float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float32)


class ActivationFunction:
    """Base class (also the identity).  Subclasses override ``forward``/``backward``.

    Forward: y = z.   Backward: dz = dout.   Shapes: any; y and dz have z's shape.
    """

    name = "linear"
    _params: tuple = ()
    backward_uses_z = True  # False: backward reads only y, so forward may overwrite z

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        """``forward(z)`` written over ``z`` when ``backward_uses_z`` is False; returns y.

        Layers call it on their own fresh pre-activation (Dense's ``x @ W + b``),
        never on an array they were given: it saves one allocation per call.
        Activations without an in-place form simply return ``forward(z)``.
        """
        return self.forward(z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout

    def __call__(self, z: ArrayLike) -> np.ndarray:
        return self.forward(_as_float(z))

    def get_config(self) -> dict:
        """Constructor arguments (listed in ``_params``) plus ``name``; JSON-serialisable."""
        return {"name": self.name, **{k: getattr(self, k) for k in self._params}}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class Linear(ActivationFunction):
    """Identity.  Forward: y = z.  Backward: dz = dout.

    Plain version: ``scratchdl.activations.plain.linear`` / ``linear_grad``.
    """


class Sigmoid(ActivationFunction):
    """Forward: y = 1 / (1 + exp(-z)), stable: exactly 0/1 at -+1000, no warning.

    Backward: dz = dout * y * (1 - y).
    Plain version: ``scratchdl.activations.plain.sigmoid`` / ``sigmoid_grad``.
    """

    name = "sigmoid"
    backward_uses_z = False

    def forward(self, z: np.ndarray) -> np.ndarray:
        return _sigmoid(z)

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        return _sigmoid(z, out=z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        dz = 1 - y  # dout * (y * (1 - y)) with one temporary instead of three
        dz *= y
        dz *= dout
        return dz


class Tanh(ActivationFunction):
    """Forward: y = tanh(z).  Backward: dz = dout * (1 - y**2).

    Plain version: ``scratchdl.activations.plain.tanh`` / ``tanh_grad``.
    """

    name = "tanh"
    backward_uses_z = False

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z, out=z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * (1 - y * y)


class ReLU(ActivationFunction):
    """Rectified linear unit with the options of the Keras ``ReLU`` layer.

    Forward:  pos = z if z > threshold else 0, clipped to [0, max_value] when max_value is set;
              y = pos + negative_slope * min(z - threshold, 0).  Defaults: y = max(z, 0).
    Backward: dz = dout * ([z > threshold and (max_value is None or 0 < z < max_value)]
              + negative_slope * [z < threshold]).
    Args: max_value (>= 0 or None), negative_slope (>= 0), threshold (a float).
    Convention: tf.keras calls the slope ``alpha``.  The derivative at a kink is taken as 0.
    Plain version: ``scratchdl.activations.plain.relu`` / ``relu_grad``.
    """

    name = "relu"
    _params = ("max_value", "negative_slope", "threshold")

    def __init__(
        self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0
    ) -> None:
        if max_value is not None and not float(max_value) >= 0:
            raise ValueError(f"max_value must be >= 0 or None, received max_value={max_value!r}")
        _check_slope(negative_slope)
        if threshold is None or not math.isfinite(float(threshold)):
            raise ValueError(f"threshold must be a finite number, received threshold={threshold!r}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)
        self._plain = self.max_value is None and self.negative_slope == 0 and self.threshold == 0

    @property
    def backward_uses_z(self) -> bool:
        """The plain ReLU's backward reads only y (y > 0 exactly where z > 0)."""
        return not self._plain

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        if self._plain:
            return np.maximum(z, zeros_like(z), out=z)
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        if self._plain:
            return np.maximum(z, zeros_like(z))
        y = np.where(z > self.threshold, z, 0)
        if self.max_value is not None:
            y = np.clip(y, 0, self.max_value)
        if self.negative_slope:
            y = y + self.negative_slope * np.minimum(z - self.threshold, 0)
        return y

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self._plain:  # y > 0 exactly where z > 0 (NaN fails both); layers may keep only y
            return dout * ((z if y is None else y) > 0)
        mask = z > self.threshold
        if self.max_value is not None:
            mask &= (z > 0) & (z < self.max_value)
        slope = mask + self.negative_slope * (z < self.threshold)
        return dout * slope.astype(dout.dtype, copy=False)


class LeakyReLU(ActivationFunction):
    """Forward: y = z if z > 0 else negative_slope * z.  Backward: dz = dout * (1 or slope).

    Convention: default slope 0.2 = Keras's ``activations.leaky_relu`` and the string
    ``"leaky_relu"``; the Keras *layer* ``LeakyReLU`` passes its own default 0.3.
    Plain version: ``scratchdl.activations.plain.leaky_relu`` / ``leaky_relu_grad``.
    """

    name = "leaky_relu"
    _params = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.2) -> None:
        _check_slope(negative_slope)
        self.negative_slope = float(negative_slope)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.negative_slope * z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.where(z > 0, dout, self.negative_slope * dout)


class Softmax(ActivationFunction):
    """Forward: y = exp(z - max z) / sum(exp(z - max z)) along ``axis`` (stable).

    Backward: dz = y * (dout - sum(dout * y, axis)).  Shapes: any; normalised on ``axis``.
    Plain version: ``scratchdl.activations.plain.softmax`` / ``softmax_backward``.
    """

    name = "softmax"
    _params = ("axis",)
    backward_uses_z = False

    def __init__(self, axis: int = -1) -> None:
        self.axis = int(axis)

    def _row_max(self, z):
        if self.axis == -1 or self.axis == z.ndim - 1:
            return last_axis_max(z)
        # ufunc.reduce instead of np.max: same result, less Python per call
        return np.maximum.reduce(z, axis=self.axis, keepdims=True)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return self._normalise(z - self._row_max(z))

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        z -= self._row_max(z)
        return self._normalise(z)

    def _normalise(self, y):
        np.exp(y, out=y)
        if self.axis == -1 or self.axis == y.ndim - 1:
            y /= last_axis_sum(y)
        else:
            y /= np.add.reduce(y, axis=self.axis, keepdims=True)
        return y

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        dz = dout * y
        dz -= y * np.sum(dz, axis=self.axis, keepdims=True)
        return dz


class LogSoftmax(Softmax):
    """Forward: y = z - max z - log(sum(exp(z - max z))) along ``axis``.

    Backward: dz = dout - exp(y) * sum(dout, axis).
    Plain version: ``scratchdl.activations.plain.log_softmax`` / ``log_softmax_backward``.
    """

    name = "log_softmax"

    def forward_inplace(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        y = z - np.max(z, axis=self.axis, keepdims=True)
        y -= np.log(np.sum(np.exp(y), axis=self.axis, keepdims=True))
        return y

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout - np.exp(y) * np.sum(dout, axis=self.axis, keepdims=True)
