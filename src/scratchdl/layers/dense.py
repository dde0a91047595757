"""Dense: the fully connected layer (the book's ``Affine`` plus an optional activation)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl import activations as activations_module
from scratchdl import constraints as constraints_module
from scratchdl import initializers as initializers_module
from scratchdl import regularizers as regularizers_module
from scratchdl.kernels import batch_sum
from scratchdl.layers.base import Layer, check_positive_int
from scratchdl.variables import weight_property

__all__ = ["Dense"]


def _transpose_into(a, buf):
    """``a.T`` as a C-ordered array, written into ``buf`` when it fits."""
    if buf is None or buf.shape != a.shape[::-1] or buf.dtype != a.dtype:
        return np.ascontiguousarray(a.T)
    np.copyto(buf, a.T)
    return buf


def kernel_bias_config(layer: Any) -> dict[str, Any]:
    """The config entries a kernel-and-bias layer (Dense, Conv2D) shares: activation,
    use_bias, and the kernel's and bias's initializers, regularizers and constraints."""
    return {
        "activation": activations_module.serialize(layer.activation),
        "use_bias": layer.use_bias,
        "kernel_initializer": initializers_module.serialize(layer.kernel_initializer),
        "bias_initializer": initializers_module.serialize(layer.bias_initializer),
        "kernel_regularizer": serialize_or_none(regularizers_module, layer.kernel_regularizer),
        "bias_regularizer": serialize_or_none(regularizers_module, layer.bias_regularizer),
        "activity_regularizer": serialize_or_none(regularizers_module, layer.activity_regularizer),
        "kernel_constraint": serialize_or_none(constraints_module, layer.kernel_constraint),
        "bias_constraint": serialize_or_none(constraints_module, layer.bias_constraint),
    }


def serialize_or_none(module: ModuleType, obj: object) -> dict[str, Any] | None:
    return None if obj is None else module.serialize(obj)


def get_or_none(module: ModuleType, identifier: object) -> Any:
    return None if identifier is None else module.get(identifier)


class Dense(Layer):
    """Fully connected layer on the last axis.

    Forward::

        z = x @ W + b          x: (N, ..., d_in)   W: (d_in, units)   b: (units,)
        y = act(z)             y: (N, ..., units)

    Backward (dout = dL/dy)::

        dz = act'(z) * dout    (through the activation object's backward)
        dW = x2.T @ dz         x2 = x reshaped to (M, d_in), M = N * ...
        db = sum(dz, axis=0)
        dx = dz @ W.T          reshaped back to x's shape

    An activity regularizer adds ``penalty(y) / N`` to the loss and its gradient to
    ``dout`` (tf.keras's division by the batch size).

    Args: as ``keras.layers.Dense``: units, activation=None, use_bias=True,
        kernel_initializer="glorot_uniform", bias_initializer="zeros",
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint.

    Convention: ``W`` is stored (d_in, units) like Keras and the book (PyTorch's
    ``nn.Linear`` stores the transpose).  ``need_input_grad = False`` (set by the
    model on the first layer) skips the ``dx`` product nobody uses.

    Plain version: ``scratchdl.layers.plain.dense_forward`` / ``dense_backward``.
    """

    kernel = weight_property("kernel", "W, shape (d_in, units): a Variable; assigning copies in.")
    bias = weight_property("bias", "b, shape (units,): a Variable; assigning copies in.")

    def __init__(
        self,
        units: int,
        activation: str | dict[str, Any] | Callable[..., Any] | None = None,
        use_bias: bool = True,
        kernel_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "glorot_uniform",
        bias_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "zeros",
        kernel_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        bias_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        activity_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        kernel_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        bias_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.activation = activations_module.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = get_or_none(regularizers_module, kernel_regularizer)
        self.bias_regularizer = get_or_none(regularizers_module, bias_regularizer)
        self.activity_regularizer = get_or_none(regularizers_module, activity_regularizer)
        self.kernel_constraint = get_or_none(constraints_module, kernel_constraint)
        self.bias_constraint = get_or_none(constraints_module, bias_constraint)
        self.need_input_grad = True
        self._linear = getattr(self.activation, "name", None) == "linear"

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(input_shape) < 1:
            raise ValueError(
                f"Dense needs inputs with at least 2 dimensions (batch, features); "
                f"received input_shape={tuple(input_shape)}"
            )
        return tuple(input_shape[:-1]) + (self.units,)

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        rng = rng if rng is not None else np.random.default_rng()
        d_in = int(input_shape[-1])
        kernel = self.kernel_initializer((d_in, self.units), rng, dtype=self.dtype)
        self.add_param("kernel", kernel, self.kernel_regularizer, self.kernel_constraint)
        if self.use_bias:
            bias = self.bias_initializer((self.units,), rng, dtype=self.dtype)
            self.add_param("bias", bias, self.bias_regularizer, self.bias_constraint)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        shape = x.shape
        x2 = x if len(shape) == 2 else x.reshape(-1, shape[-1])
        z = x2 @ self.params["kernel"]
        if self.use_bias:
            z += self.params["bias"]
        self._x, self._shape = x2, shape
        if self._linear:
            y = z
        elif self.activation.backward_uses_z:
            y = self.activation.forward(z)
            self._z = z
        else:  # backward needs only y: overwrite z (saves an allocation per call)
            y, self._z = self.activation.forward_inplace(z), None
        self._y = y
        return y if len(shape) == 2 else y.reshape(shape[:-1] + (self.units,))

    def activity_penalty(self) -> float:
        """``penalty(y) / N`` for the last forward (0 without an activity regularizer)."""
        if self.activity_regularizer is None:
            return 0.0
        return self.activity_regularizer(self._y) / self._shape[0]

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        if dout.shape != self._y.shape:
            dout = dout.reshape(self._y.shape)
        if self.activity_regularizer is not None:
            dout = dout + self.activity_regularizer.gradient(self._y) / self._shape[0]
        dz = dout if self._linear else self.activation.backward(dout, self._z, self._y)
        return self.backward_linear(dz)

    def backward_linear(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward from dL/dz (skipping the activation): the fused-loss entry point."""
        np.matmul(self._x.T, dz, out=self.grads["kernel"])
        if self.use_bias:
            batch_sum(dz, out=self.grads["bias"])
        if not self.need_input_grad:
            return None
        kernel = self.params["kernel"]
        if kernel.size <= 16384:  # small W: copying W.T first makes the product faster
            kernel_t = self._kernel_t = _transpose_into(kernel, getattr(self, "_kernel_t", None))
            dx = dz @ kernel_t  # (benchmarks/KERNELS.md)
        else:  # large kernels: the transposed copy costs more than it saves
            dx = dz @ kernel.T
        return dx if len(self._shape) == 2 else dx.reshape(self._shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, **kernel_bias_config(self)}
