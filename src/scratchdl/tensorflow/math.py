"""``tf.math``: the math functions under TensorFlow's second name for them."""

from scratchdl.tensorflow.math_ops import *  # noqa: F403
from scratchdl.tensorflow.math_ops import __all__ as _math_all
from scratchdl.tensorflow.nn import l2_loss, log_softmax, softmax

__all__ = [*_math_all, "softmax", "log_softmax", "l2_loss"]
