"""tf.keras 2.x spellings of the optimizers: ``lr=``, ``decay=`` and ``optimizer.lr``.

The class notes were written for tf.keras <= 2.10, where ``Adam(lr=0.01)`` set the
learning rate and ``SGD(decay=1e-6)`` shrank it as ``lr / (1 + decay*iterations)``.
tf.keras 2.11+ silently ignores ``lr=`` and rejects ``decay=``; Keras 3 rejects
``lr=`` and ignores ``decay=`` (docs/keras.md, "Optimizers").  This face honours both
with a ``FutureWarning`` pointing at the user's line, and keeps ``optimizer.lr`` as
an alias of ``optimizer.learning_rate``.  The engine's optimizers know none of this.
"""

from __future__ import annotations

import warnings

from scratchdl import optimizers as engine

__all__ = ["keras_class", "CLASSES"]


def _lr_get(self):
    return self.learning_rate


def _lr_set(self, value):
    self.learning_rate = value


def keras_class(engine_cls: type) -> type:
    """A subclass of ``engine_cls`` that takes ``lr=``/``decay=`` and has ``.lr``."""

    def init(self, *args, **kwargs):
        if "lr" in kwargs:
            warnings.warn(
                "The `lr` argument is deprecated, use `learning_rate` instead.",
                FutureWarning,
                stacklevel=2,
            )
            if "learning_rate" in kwargs or args:
                raise TypeError(
                    f"{engine_cls.__name__} received both lr= and learning_rate; give one"
                )
            kwargs["learning_rate"] = kwargs.pop("lr")
        if kwargs.get("decay"):
            warnings.warn(
                "`decay` is applied as in tf.keras <= 2.10: lr / (1 + decay * iterations) "
                "(tf.keras 2.11+ rejects it, Keras 3 ignores it; prefer a schedule).",
                FutureWarning,
                stacklevel=2,
            )
        engine_cls.__init__(self, *args, **kwargs)

    namespace = {
        "__init__": init,
        "__doc__": engine_cls.__doc__,
        "__module__": "scratchdl.keras.optimizers",
        "lr": property(_lr_get, _lr_set, doc="tf.keras alias of ``learning_rate``."),
    }
    return type(engine_cls.__name__, (engine_cls,), namespace)


CLASSES = {
    cls.__name__: keras_class(cls)
    for cls in (
        engine.SGD,
        engine.Adam,
        engine.AdamW,
        engine.Adagrad,
        engine.RMSprop,
        engine.Adadelta,
        engine.Adamax,
        engine.Nadam,
    )
}
