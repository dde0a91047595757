"""The operations of the autodiff: each a tiny layer with ``forward`` and ``backward``."""

from scratchdl.autodiff.ops.arith import (
    Abs,
    Add,
    Divide,
    Exp,
    Identity,
    Log,
    MatMul,
    Maximum,
    Minimum,
    Multiply,
    Negative,
    Pow,
    Sqrt,
    Square,
    Subtract,
)
from scratchdl.autodiff.ops.base import Op, normalize_axes, unbroadcast
from scratchdl.autodiff.ops.function import Function
from scratchdl.autodiff.ops.nn import (
    LogSoftmax,
    Relu,
    Sigmoid,
    Softmax,
    SoftmaxCrossEntropy,
    SparseSoftmaxCrossEntropy,
    Tanh,
)
from scratchdl.autodiff.ops.reduce import Max, Mean, Min, Prod, Sum
from scratchdl.autodiff.ops.shape import (
    Cast,
    Clip,
    Concat,
    Gather,
    GetItem,
    Reshape,
    Stack,
    Transpose,
    Where,
)

__all__ = [
    "Op", "unbroadcast", "normalize_axes", "Function",
    "Add", "Subtract", "Multiply", "Divide", "Negative", "Identity", "Pow", "Square",
    "Sqrt", "Exp", "Log", "Abs", "Maximum", "Minimum", "MatMul",
    "Sum", "Mean", "Max", "Min", "Prod",
    "Reshape", "Transpose", "GetItem", "Gather", "Concat", "Stack", "Where", "Clip", "Cast",
    "Relu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "SoftmaxCrossEntropy",
    "SparseSoftmaxCrossEntropy",
]  # fmt: skip
