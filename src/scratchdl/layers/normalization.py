"""Batch normalization (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl import constraints as constraints_module
from scratchdl import initializers as initializers_module
from scratchdl import regularizers as regularizers_module
from scratchdl.kernels import batch_sum
from scratchdl.layers.base import Layer, check_rate
from scratchdl.layers.dense import get_or_none, serialize_or_none
from scratchdl.variables import weight_property

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalise each feature over the batch, then scale and shift.

    Forward, training (statistics over every axis except ``axis``; M values each)::

        mu    = mean(x)                     var = mean((x - mu)**2)   (biased)
        x_hat = (x - mu) / sqrt(var + epsilon)
        y     = gamma * x_hat + beta
        moving_mean     = momentum * moving_mean     + (1 - momentum) * mu
        moving_variance = momentum * moving_variance + (1 - momentum) * var

    Forward, inference: the same with ``moving_mean`` / ``moving_variance``.

    Backward, training (dxh = dout * gamma, sums over the reduced axes)::

        dgamma = sum(dout * x_hat)          dbeta = sum(dout)
        dx     = inv_std / M * (M * dxh - sum(dxh) - x_hat * sum(dxh * x_hat))
               = gamma * inv_std / M * (M * dout - dbeta - x_hat * dgamma)   (computed)

    Backward, inference: ``dx = dout * gamma * inv_std`` (the statistics are constants).

    Shapes: x (N, ..., C) with axis=-1; gamma, beta, moving_* (C,).

    Args (Keras names and defaults): axis=-1, momentum=0.99, epsilon=1e-3,
        center=True, scale=True, beta/gamma/moving_mean/moving_variance initializers
        ("zeros", "ones", "zeros", "ones"), beta/gamma regularizers and constraints.

    Convention: Keras's momentum 0.99 is PyTorch's momentum 0.01.  The book's layer
    is this one with momentum=0.9, epsilon=1e-6 and moving_variance_initializer
    "zeros" (its running variance starts at zero); ``scratchdl.book`` passes those.

    Plain version: ``scratchdl.layers.plain.batchnorm_forward_train`` / ``_infer`` /
    ``batchnorm_backward`` / ``batchnorm_backward_infer`` / ``moving_average``.
    """

    gamma = weight_property("gamma", "The scale, shape (C,) (absent when scale=False).")
    beta = weight_property("beta", "The shift, shape (C,) (absent when center=False).")
    moving_mean = weight_property("moving_mean", "Running mean used in inference, (C,).")
    moving_variance = weight_property("moving_variance", "Running variance for inference, (C,).")

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "zeros",
        gamma_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "ones",
        moving_mean_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "zeros",
        moving_variance_initializer: str | dict[str, Any] | Callable[..., np.ndarray] = "ones",
        beta_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        gamma_regularizer: str | dict[str, Any] | Callable[[np.ndarray], float] | None = None,
        beta_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        gamma_constraint: str | dict[str, Any] | Callable[[np.ndarray], np.ndarray] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = check_rate("momentum", momentum)
        self.epsilon = float(epsilon)
        if not self.epsilon > 0:
            raise ValueError(f"epsilon must be positive, received epsilon={epsilon!r}")
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers_module.get(beta_initializer)
        self.gamma_initializer = initializers_module.get(gamma_initializer)
        self.moving_mean_initializer = initializers_module.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers_module.get(moving_variance_initializer)
        self.beta_regularizer = get_or_none(regularizers_module, beta_regularizer)
        self.gamma_regularizer = get_or_none(regularizers_module, gamma_regularizer)
        self.beta_constraint = get_or_none(constraints_module, beta_constraint)
        self.gamma_constraint = get_or_none(constraints_module, gamma_constraint)

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        rng = rng if rng is not None else np.random.default_rng()
        ndim = len(input_shape) + 1
        axis = self.axis % ndim
        if axis == 0:
            raise ValueError(f"axis={self.axis} is the batch axis; choose a feature axis")
        C = int(input_shape[axis - 1])
        self._reduce = tuple(a for a in range(ndim) if a != axis)
        self._bshape = tuple(C if a == axis else 1 for a in range(ndim))
        self._last_axis = axis == ndim - 1
        if self.scale:
            g = self.gamma_initializer((C,), rng, dtype=self.dtype)
            self.add_param("gamma", g, self.gamma_regularizer, self.gamma_constraint)
        if self.center:
            b = self.beta_initializer((C,), rng, dtype=self.dtype)
            self.add_param("beta", b, self.beta_regularizer, self.beta_constraint)
        self.state["moving_mean"] = self.moving_mean_initializer((C,), rng, dtype=self.dtype)
        self.state["moving_variance"] = self.moving_variance_initializer(
            (C,), rng, dtype=self.dtype
        )

    def _param(self, key):
        """gamma or beta, shaped to broadcast along ``axis`` (as is for the last axis)."""
        p = self.params[key]
        return p if self._last_axis else p.reshape(self._bshape)

    def _sum(self, a, out=None):
        """Sum over the reduced axes: shape (C,) along the last axis, else keepdims.

        Along the last axis it is one BLAS product (``batch_sum``), equal to NumPy's
        axis-0 reduction to float rounding and faster (see ``kernels.batch_sum``).
        """
        if self._last_axis:
            return batch_sum(a if a.ndim == 2 else a.reshape(-1, a.shape[-1]), out=out)
        if out is not None:
            return np.add.reduce(a, axis=self._reduce, out=out)
        return np.add.reduce(a, axis=self._reduce, keepdims=True)

    def _bcast(self, v):
        """A (C,) vector shaped to broadcast along ``axis``."""
        return v if self._last_axis else v.reshape(self._bshape)

    def _mean(self, a):
        m = self._sum(a)
        m *= 1.0 / (a.size // m.size)
        return m

    def _scale_of(self, inv_std):
        """k = gamma * inv_std per feature (inv_std alone without ``scale``)."""
        return self._param("gamma") * inv_std if self.scale else inv_std

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        # Keeps the centred input xc = x - mu and inv_std, never x_hat itself: the
        # output is xc * (gamma * inv_std) + beta (one full-array product, not two)
        # and backward needs x_hat only inside per-feature sums (see backward).
        self._training = bool(training and self.trainable)
        if self._training:
            mu = self._mean(x)
            xc = x - mu
            var = self._mean(xc * xc)
            inv_std = var + self.epsilon
            m = self.momentum
            mm, mv = self.state["moving_mean"], self.state["moving_variance"]
            mm += (mu.reshape(mm.shape) - mm) * (1 - m)  # = m*mm + (1-m)*mu
            mv += (var.reshape(mv.shape) - mv) * (1 - m)
        else:
            xc = x - self.state["moving_mean"].reshape(self._bshape)
            inv_std = self.state["moving_variance"].reshape(self._bshape) + self.epsilon
        np.sqrt(inv_std, out=inv_std)
        np.reciprocal(inv_std, out=inv_std)
        self._xc, self._inv_std, self._k = xc, inv_std, self._scale_of(inv_std)
        y = xc * self._k
        if self.center:
            y += self._param("beta")
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        # With x_hat = xc * inv_std and k = gamma * inv_std:
        #   dbeta  = sum(dout)          dgamma = inv_std * sum(dout * xc)
        #   dx     = k * (dout - (dbeta + x_hat * dgamma) / M)        (training)
        #          = k * dout - xc * (k * inv_std * dgamma / M) - k * dbeta / M
        #   dx     = k * dout                                          (inference)
        # (the textbook form through dxh = dout * gamma, regrouped; equal to rounding)
        xc, inv_std, grads = self._xc, self._inv_std, self.grads
        dbeta = self._bcast(self._sum(dout, out=grads.get("beta")))
        dgamma = self._bcast(self._sum(dout * xc, out=grads.get("gamma")))
        dgamma *= inv_std.reshape(dgamma.shape)  # in place: it is the gamma gradient
        k = self._k  # from forward: gamma has not changed since (the update follows)
        dx = dout * k
        if not self._training:
            return dx
        M = xc.size // dbeta.size
        dx -= xc * (k * inv_std * dgamma * (1.0 / M))
        dx -= k * dbeta * (1.0 / M)
        return dx

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        ser = initializers_module.serialize
        config.update(
            axis=self.axis,
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=self.center,
            scale=self.scale,
            beta_initializer=ser(self.beta_initializer),
            gamma_initializer=ser(self.gamma_initializer),
            moving_mean_initializer=ser(self.moving_mean_initializer),
            moving_variance_initializer=ser(self.moving_variance_initializer),
            beta_regularizer=serialize_or_none(regularizers_module, self.beta_regularizer),
            gamma_regularizer=serialize_or_none(regularizers_module, self.gamma_regularizer),
            beta_constraint=serialize_or_none(constraints_module, self.beta_constraint),
            gamma_constraint=serialize_or_none(constraints_module, self.gamma_constraint),
        )
        return config
