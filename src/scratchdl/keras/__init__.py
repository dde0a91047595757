"""The Keras face: tf.keras class notes run after changing only their imports.

``from tensorflow.keras.models import Sequential`` becomes
``from scratchdl.keras.models import Sequential``; everything below the imports
stays as the notes wrote it.  ``__version__`` names the Keras release whose
behaviour the face follows (2.15.0, the Keras of TensorFlow 2.15; docs/keras.md).  Every name here
is a thin alias of the one engine (one Dense, one BatchNormalization, one Adam in the code base).
"""

from scratchdl.keras import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from scratchdl.keras.layers import Input
from scratchdl.keras.models import Model, Sequential, load_model

__version__ = "2.15.0"  # the Keras shipped with TensorFlow 2.15.1 (tf.version.VERSION)

__all__ = [
    "__version__",
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "datasets",
    "experimental",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]


class experimental:  # noqa: N801 - mirrors the module name tf.keras.experimental
    """``tf.keras.experimental``: the old home of the cosine schedules (TF 2.x notes)."""

    from scratchdl.schedules import CosineDecay, CosineDecayRestarts
