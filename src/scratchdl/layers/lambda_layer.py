"""``Lambda``: a function of the input, written with tensor ops, used as a layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scratchdl.layers.base import Layer

__all__ = ["Lambda"]


class Lambda(Layer):
    """``Lambda(fn)``: ``y = fn(x)``; its backward comes from the tape (layers/custom.py).

    Args: function (a callable of one tensor), output_shape (not needed: the shape
    is found by calling ``function``), arguments (extra keyword arguments for
    ``function``), name.
    Convention: as in Keras, it holds no weights.  Its configuration cannot be
    saved (a Python function is not data), so a model with a Lambda saves weights only.
    """

    def __init__(
        self,
        function: Callable,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda needs a callable, received {function!r}")
        if mask is not None:
            raise ValueError("Lambda(mask=...) is not supported: scratchdl has no masking")
        self.function, self.arguments = function, dict(arguments or {})
        self.output_shape_arg = output_shape

    def call(self, inputs: Any) -> Any:
        return self.function(inputs, **self.arguments)

    def get_config(self) -> dict:
        raise ValueError(
            f"Lambda layer {self.name!r} wraps a Python function, which cannot be saved as a "
            "configuration; save the weights (save_weights) or write a Layer subclass"
        )
