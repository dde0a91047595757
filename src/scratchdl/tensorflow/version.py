"""``tf.version``: the TensorFlow release whose behaviour this face follows.

scratchdl's faces copy tf.keras 2.15 (the last TensorFlow whose ``tf.keras`` is
Keras 2; docs/keras-reference.md A13), so ``tf.version.VERSION`` and
``tf.__version__`` claim TensorFlow 2.15.1, and ``scratchdl.keras.__version__``
claims the Keras 2.15.0 that ships with it.  Programs that print or compare the
version then see the release they were written for.  scratchdl's own version is
``scratchdl.__version__``.
"""

__all__ = ["VERSION"]

VERSION = "2.15.1"
