"""Dropout (Srivastava et al. 2014, https://jmlr.org/papers/v15/srivastava14a.html)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.layers.base import Layer, check_rate

__all__ = ["Dropout"]


class Dropout(Layer):
    """Randomly zero units during training.

    Forward, training (mask drawn fresh each call, keep probability 1 - rate)::

        mask = (u >= rate) / (1 - rate)      u ~ U[0, 1), shape of x   (inverted)
        y    = x * mask

    Forward, inference: ``y = x`` (inverted dropout needs no test-time scaling).

    Backward: ``dx = dout * mask`` (training), ``dx = dout`` (inference).

    Args:
        rate: fraction of units to drop, 0 <= rate <= 1 (rate 1 outputs zeros).
        seed: an int for a layer-private Generator; otherwise the layer draws from
            the model's Generator given at build time.
        inverted: True (Keras, PyTorch) scales kept units by 1/(1-rate) while
            training.  False gives the book's dropout: the mask is not rescaled, and
            inference multiplies by (1 - rate) instead.  Same expectation either way.
        noise_shape: accepted for Keras compatibility; only ``None`` is supported.
    """

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int] | None = None,
        seed: int | None = None,
        inverted: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rate = check_rate("rate", rate)
        if noise_shape is not None:
            raise ValueError(f"noise_shape is not supported, received noise_shape={noise_shape!r}")
        self.seed = seed
        self.inverted = bool(inverted)
        self.rng = None if seed is None else np.random.default_rng(seed)

    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().build(input_shape, rng, dtype)
        if self.rng is None:
            self.rng = rng if rng is not None else np.random.default_rng()

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._training = bool(training)
        if not training:
            return x if self.inverted else x * (1.0 - self.rate)
        if self.rate >= 1.0:
            self._mask = np.zeros_like(x)
            return self._mask.copy()
        u = self.rng.random(x.shape, dtype=np.float32)
        keep = u >= self.rate
        scale = 1.0 / (1.0 - self.rate) if self.inverted else 1.0
        self._mask = keep.astype(x.dtype) if scale == 1.0 else keep * x.dtype.type(scale)
        return x * self._mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if not self._training:
            return dout if self.inverted else dout * (1.0 - self.rate)
        return dout * self._mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(rate=self.rate, seed=self.seed, inverted=self.inverted)
        return config
