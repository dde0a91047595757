"""The other activations: ELU, SELU, softplus, softsign, SiLU/swish, GELU, exponential,
hard sigmoid, ReLU6, mish, and the wrapper for plain callables."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from scratchdl.activations.base import (
    _INV_SQRT_2PI,
    _SELU_ALPHA,
    _SELU_SCALE,
    _SQRT_2_OVER_PI,
    ActivationFunction,
    _erf,
    _sigmoid,
)


class ELU(ActivationFunction):
    """Forward: y = z if z > 0 else alpha*(exp(z)-1).  Backward: dz = dout * (1 or y + alpha).

    Reference: Clevert et al. 2015, https://arxiv.org/abs/1511.07289
    Plain version: ``scratchdl.activations.plain.elu`` / ``elu_grad``.
    """

    name = "elu"
    _params = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = float(alpha)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * np.where(z > 0, 1, y + self.alpha)


class SELU(ActivationFunction):
    """Forward: y = scale * elu(z, alpha), alpha = 1.67326324, scale = 1.05070099.

    Backward: dz = dout * (scale if z > 0 else y + scale*alpha).
    Reference: Klambauer et al. 2017, https://arxiv.org/abs/1706.02515
    Plain version: ``scratchdl.activations.plain.selu`` / ``selu_grad``.
    """

    name = "selu"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return _SELU_SCALE * np.where(z > 0, z, _SELU_ALPHA * np.expm1(np.minimum(z, 0)))

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * np.where(z > 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA)


class Softplus(ActivationFunction):
    """Forward: y = log(1 + exp(z)) = logaddexp(0, z) (stable).  Backward: dz = dout*sigmoid(z).

    Plain version: ``scratchdl.activations.plain.softplus`` / ``softplus_grad``.
    """

    name = "softplus"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.logaddexp(0, z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * _sigmoid(z)


class Softsign(ActivationFunction):
    """Forward: y = z / (1 + |z|).  Backward: dz = dout / (1 + |z|)**2.

    Plain version: ``scratchdl.activations.plain.softsign`` / ``softsign_grad``.
    """

    name = "softsign"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z / (1 + np.abs(z))

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout / np.square(1 + np.abs(z))


class SiLU(ActivationFunction):
    """Swish / SiLU.  Forward: y = z * s, s = sigmoid(z).  Backward: dz = dout*s*(1 + z*(1-s)).

    Reference: Ramachandran et al. 2017, https://arxiv.org/abs/1710.05941
    Plain version: ``scratchdl.activations.plain.silu`` / ``silu_grad``.
    """

    name = "silu"

    def __init__(self, name: str = "silu") -> None:
        self.name = name

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z * _sigmoid(z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        s = _sigmoid(z)
        return dout * (s * (1 + z * (1 - s)))


class GELU(ActivationFunction):
    """Gaussian error linear unit.

    Forward (exact):  y = 0.5 z (1 + erf(z / sqrt 2)) = z * Phi(z)     (math.erf per element)
    Backward (exact): dz = dout * (Phi(z) + z * exp(-z**2 / 2) / sqrt(2 pi))
    Forward (approximate=True): y = 0.5 z (1 + t), t = tanh(c (z + 0.044715 z**3)), c = sqrt(2/pi)
    Backward: dz = dout * (0.5 (1 + t) + 0.5 z (1 - t**2) c (1 + 3*0.044715 z**2))
    Reference: Hendrycks & Gimpel 2016, https://arxiv.org/abs/1606.08415
    Plain version: ``scratchdl.activations.plain.gelu`` / ``gelu_grad``.
    """

    name = "gelu"
    _params = ("approximate",)

    def __init__(self, approximate: bool = False) -> None:
        self.approximate = bool(approximate)

    def _phi_or_t(self, z):
        if self.approximate:
            return np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3))
        return 0.5 * (1 + _erf(z * (1 / math.sqrt(2.0))).astype(z.dtype))

    def forward(self, z: np.ndarray) -> np.ndarray:
        a = self._phi_or_t(z)
        return 0.5 * z * (1 + a) if self.approximate else z * a

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        a = self._phi_or_t(z)
        if self.approximate:
            inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z * z)
            return dout * (0.5 * (1 + a) + 0.5 * z * (1 - a * a) * inner)
        return dout * (a + z * np.exp(-0.5 * z * z) * _INV_SQRT_2PI)


class Exponential(ActivationFunction):
    """Forward: y = exp(z).  Backward: dz = dout * y.

    Plain version: ``scratchdl.activations.plain.exponential`` / ``exponential_grad``.
    """

    name = "exponential"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * y


class HardSigmoid(ActivationFunction):
    """tf.keras 2.x form.  Forward: y = clip(0.2 z + 0.5, 0, 1).  Backward: 0.2 for |z| < 2.5.

    Convention: Keras 3 uses relu6(z + 3) / 6 (slope 1/6, flat outside |z| >= 3).
    Plain version: ``scratchdl.activations.plain.hard_sigmoid`` / ``hard_sigmoid_grad``.
    """

    name = "hard_sigmoid"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.clip(0.2 * z + 0.5, 0, 1)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * (np.abs(z) < 2.5) * 0.2


class ReLU6(ActivationFunction):
    """Forward: y = min(max(z, 0), 6).  Backward: dz = dout * [0 < z < 6].

    Plain version: ``scratchdl.activations.plain.relu6`` / ``relu6_grad``.
    """

    name = "relu6"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.clip(z, 0, 6)

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return dout * ((z > 0) & (z < 6))


class Mish(ActivationFunction):
    """Forward: y = z tanh(softplus(z)).  Backward: dz = dout (t + z (1 - t**2) sigmoid(z)).

    Reference: Misra 2019, https://arxiv.org/abs/1908.08681
    Plain version: ``scratchdl.activations.plain.mish`` / ``mish_grad``.
    """

    name = "mish"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z * np.tanh(np.logaddexp(0, z))

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        t = np.tanh(np.logaddexp(0, z))
        return dout * (t + z * (1 - t * t) * _sigmoid(z))


class CallableActivation(ActivationFunction):
    """Wraps a plain callable ``fn(z) -> y``: forward works, backward raises a clear error."""

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray]) -> None:
        self.fn, self.name = fn, getattr(fn, "__name__", type(fn).__name__)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(self.fn(z))

    def backward(self, dout: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise ValueError(
            f"activation {self.name!r} is a plain callable without a backward, so it cannot be "
            "trained through; use a built-in activation (scratchdl.activations.names() lists "
            "them) or subclass ActivationFunction"
        )
