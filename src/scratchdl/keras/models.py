"""``keras.models``: Sequential, load_model and save_model, with tf.keras 2.x's extras.

``Sequential`` here is the engine's model plus what the class notes' tf.keras
versions had and later versions removed (docs/keras.md "Version differences"):

* ``predict_classes`` (tf.keras <= 2.5) with a FutureWarning;
* ``fit``/``evaluate``/``predict`` accept ``max_queue_size``, ``workers`` and
  ``use_multiprocessing``: tf.keras uses them only for generators and
  ``keras.utils.Sequence`` inputs, never for arrays, so with arrays they change
  nothing there either (checked here to be of the right type);
* ``compile(optimizer="adam")`` gives the face's optimizer classes (``optimizer.lr``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from scratchdl.keras import optimizers as keras_optimizers
from scratchdl.models.functional import Model
from scratchdl.models.loading import AnyModel
from scratchdl.models.model_io import load_model as _engine_load_model
from scratchdl.models.sequential import Sequential as _EngineSequential

if TYPE_CHECKING:  # annotation only
    from scratchdl.losses import Loss
    from scratchdl.metrics import Metric
    from scratchdl.models.callbacks import History
    from scratchdl.optimizers import Optimizer

__all__ = ["Model", "Sequential", "load_model", "save_model"]

_QUEUE_ARGS = {"max_queue_size": int, "workers": int, "use_multiprocessing": bool}


def _check_queue_args(kwargs, method):
    """Accept tf.keras's generator-only arguments (no effect on arrays), reject the rest."""
    for key, value in kwargs.items():
        kind = _QUEUE_ARGS.get(key)
        if kind is None:
            raise TypeError(f"{method}() got an unexpected keyword argument {key!r}")
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
            raise TypeError(f"{key} must be {kind.__name__}, received {key}={value!r}")


class Sequential(_EngineSequential):
    __doc__ = _EngineSequential.__doc__

    def compile(
        self,
        optimizer: str | dict[str, Any] | Optimizer = "rmsprop",
        loss: str | dict[str, Any] | Loss | Callable[..., ArrayLike] | None = None,
        metrics: Sequence[str | Metric | Callable[..., ArrayLike]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().compile(keras_optimizers.get(optimizer), loss, metrics, **kwargs)

    def fit(self, *args: Any, **kwargs: Any) -> History:
        queue = {k: kwargs.pop(k) for k in list(kwargs) if k in _QUEUE_ARGS}
        _check_queue_args(queue, "fit")
        return super().fit(*args, **kwargs)

    def evaluate(self, *args: Any, **kwargs: Any) -> float | list[float] | dict[str, float]:
        queue = {k: kwargs.pop(k) for k in list(kwargs) if k in _QUEUE_ARGS}
        _check_queue_args(queue, "evaluate")
        return super().evaluate(*args, **kwargs)

    def predict(self, *args: Any, **kwargs: Any) -> np.ndarray | list[np.ndarray]:
        queue = {k: kwargs.pop(k) for k in list(kwargs) if k in _QUEUE_ARGS}
        _check_queue_args(queue, "predict")
        return super().predict(*args, **kwargs)

    def predict_classes(
        self, x: ArrayLike, batch_size: int = 32, verbose: int | str = 0
    ) -> np.ndarray:
        """tf.keras <= 2.5: ``argmax(predict(x), -1)``, or ``predict(x) > 0.5`` for one output.

        Removed in TF 2.6 (and from Keras 3); kept for old notes with a FutureWarning.
        """
        warnings.warn(
            "`model.predict_classes()` was removed in TensorFlow 2.6; use "
            "np.argmax(model.predict(x), axis=-1) (or (model.predict(x) > 0.5) for a "
            "single sigmoid output)",
            FutureWarning,
            stacklevel=2,
        )
        p = self.predict(x, batch_size=batch_size, verbose=verbose)
        if p.shape[-1] > 1:
            return p.argmax(axis=-1)
        return (p > 0.5).astype(np.int32)


class _FaceModels(AnyModel):
    """Loads a saved Sequential as this face's class (a graph as ``Model``)."""


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: dict[str, type] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Sequential | Model:
    """``keras.models.load_model``: the engine's loader, with this face's Sequential."""
    return _engine_load_model(
        filepath, _FaceModels, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )


def save_model(
    model: _EngineSequential,
    filepath: str | os.PathLike[str],
    overwrite: bool = True,
    include_optimizer: bool = True,
    save_format: str | None = None,
) -> None:
    """``keras.models.save_model(model, path)``: the same as ``model.save(path)``."""
    model.save(
        filepath, overwrite=overwrite, include_optimizer=include_optimizer, save_format=save_format
    )


_FaceModels.sequential = Sequential
