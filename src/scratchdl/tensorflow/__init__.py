"""A stand-in for ``import tensorflow as tf``: ``import scratchdl.tensorflow as tf``.

- ``tf.keras``: the Keras face (``tf.keras.layers.Dense``, ``tf.keras.experimental``...);
- tensors and their math with TensorFlow's names, argument names and defaults
  (``tf.constant``, ``tf.reduce_mean``, ``tf.nn.softmax``, ``tf.one_hot`` ...);
- ``tf.Variable`` (the engine's Variable) and ``tf.GradientTape`` for gradients;
- ``tf.random``, ``tf.data.Dataset``, dtypes (``tf.float32`` ...), and
  ``tf.function`` / ``tf.config.run_functions_eagerly`` as pass-throughs.

``tf.__version__`` and ``tf.version.VERSION`` name the TensorFlow release whose
behaviour the face follows (2.15.1, docs/keras.md); scratchdl's own version is
``scratchdl.__version__``; ``tf.train.latest_checkpoint`` finds the newest
checkpoint.  How the tape works: docs/autodiff.md.
"""

from scratchdl import keras
from scratchdl.autodiff.tape import GradientTape, UnconnectedGradients
from scratchdl.autodiff.tensor import InvalidArgumentError, Tensor, TensorShape, is_tensor
from scratchdl.tensorflow import config, data, dtypes, math, nn, random, train, version
from scratchdl.tensorflow.array_ops import (
    cast,
    clip_by_value,
    concat,
    constant,
    expand_dims,
    eye,
    fill,
    gather,
    identity,
    one_hot,
    ones,
    ones_like,
    range,
    rank,
    reshape,
    shape,
    size,
    squeeze,
    stack,
    stop_gradient,
    transpose,
    where,
    zeros,
    zeros_like,
)
from scratchdl.tensorflow.array_ops import convert_to_tensor_v2 as convert_to_tensor
from scratchdl.tensorflow.config import function
from scratchdl.tensorflow.dtypes import (
    DType,
    as_dtype,
    bool,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from scratchdl.tensorflow.math_ops import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sqrt,
    square,
    subtract,
    tanh,
    truediv,
)
from scratchdl.variables import Variable

newaxis = None
__version__ = version.VERSION


class errors:  # noqa: N801 (TensorFlow's name: tf.errors.InvalidArgumentError)
    InvalidArgumentError = InvalidArgumentError


__all__ = [
    "__version__", "version", "keras", "random", "nn", "math", "data", "config", "dtypes",
    "errors", "train",
    "GradientTape", "UnconnectedGradients", "Tensor", "TensorShape", "Variable",
    "is_tensor", "function", "newaxis",
    "constant", "convert_to_tensor", "zeros", "ones", "zeros_like", "ones_like", "fill",
    "range", "eye", "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack",
    "gather", "where", "clip_by_value", "cast", "one_hot", "shape", "size", "rank",
    "identity", "stop_gradient",
    "add", "subtract", "multiply", "divide", "truediv", "pow", "square", "sqrt", "exp",
    "log", "abs", "negative", "maximum", "minimum", "matmul", "add_n", "sigmoid", "tanh",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not",
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin",
    "float16", "float32", "float64", "double", "half", "int8", "int16", "int32", "int64",
    "uint8", "bool", "as_dtype", "DType",
]  # fmt: skip
