"""Elementwise math, comparisons, matmul and reductions with TensorFlow's names.

Every function takes tensors, Variables, NumPy arrays or Python numbers and
returns a ``Tensor``; the differentiable ones go through ``apply`` and are
recorded by a recording ``GradientTape``.  dtypes follow TensorFlow (see
``scratchdl.autodiff.tensor``): tensors of different dtypes are not combined.

``name=`` is accepted everywhere, as in TensorFlow, where it names the op in a
graph; eager code (TensorFlow's and this) has no graph, so it has no effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.autodiff import ops
from scratchdl.autodiff.tensor import (
    InvalidArgumentError,
    Tensor,
    TensorOperators,
    apply,
    convert_to_tensor,
    operands,
    value_of,
)
from scratchdl.variables import Variable

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "pow", "square", "sqrt", "exp",
    "log", "abs", "negative", "maximum", "minimum", "matmul", "add_n",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not",
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
    "reduce_variance", "reduce_std",
    "argmax", "argmin", "sigmoid", "tanh",
]  # fmt: skip

_ops = TensorOperators


def _float_tensor(x, fname):
    """``x`` as a tensor, which must hold floats (as TensorFlow's kernels require)."""
    t = convert_to_tensor(x)
    if t.dtype.kind != "f":
        raise InvalidArgumentError(
            f"{fname} expects a float tensor, received dtype {t.dtype.name}; "
            f"use tf.cast(x, tf.float32) first"
        )
    return t


# -- elementwise arithmetic ---------------------------------------------------------
def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x + y elementwise, with broadcasting."""
    return _ops.__add__(x, y)


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x - y elementwise."""
    return _ops.__sub__(x, y)


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y elementwise."""
    return _ops.__mul__(x, y)


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y elementwise (integer inputs give float64, as TensorFlow's ``truediv``)."""
    return _ops.__truediv__(x, y)


truediv = divide


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 (TensorFlow's name)
    """x ** y elementwise."""
    return _ops.__pow__(x, y)


def square(x: Any, name: str | None = None) -> Tensor:
    """x ** 2 elementwise."""
    return apply(ops.Square(), convert_to_tensor(x))


def sqrt(x: Any, name: str | None = None) -> Tensor:
    """The square root of each element (float tensors)."""
    return apply(ops.Sqrt(), _float_tensor(x, "sqrt"))


def exp(x: Any, name: str | None = None) -> Tensor:
    """e ** x elementwise (float tensors)."""
    return apply(ops.Exp(), _float_tensor(x, "exp"))


def log(x: Any, name: str | None = None) -> Tensor:
    """The natural logarithm of each element (float tensors)."""
    return apply(ops.Log(), _float_tensor(x, "log"))


def abs(x: Any, name: str | None = None) -> Tensor:  # noqa: A001
    """|x| elementwise."""
    return apply(ops.Abs(), convert_to_tensor(x))


def negative(x: Any, name: str | None = None) -> Tensor:
    """-x elementwise."""
    return apply(ops.Negative(), convert_to_tensor(x))


def maximum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The larger of x and y elementwise (ties: the gradient goes to x)."""
    a, b = operands(x, y, "Maximum")
    return apply(ops.Maximum(), a, b)


def minimum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The smaller of x and y elementwise (ties: the gradient goes to x)."""
    a, b = operands(x, y, "Minimum")
    return apply(ops.Minimum(), a, b)


def sigmoid(x: Any, name: str | None = None) -> Tensor:
    """1 / (1 + exp(-x)) elementwise."""
    return apply(ops.Sigmoid(), _float_tensor(x, "sigmoid"))


def tanh(x: Any, name: str | None = None) -> Tensor:
    """tanh(x) elementwise."""
    return apply(ops.Tanh(), _float_tensor(x, "tanh"))


def add_n(inputs: Sequence[Any], name: str | None = None) -> Tensor | Variable:
    """The elementwise sum of a list of tensors of one shape and dtype."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n needs at least one input, received an empty list")
    total = convert_to_tensor(inputs[0])
    for x in inputs[1:]:
        total = add(total, x)
    return total


def matmul(
    a: Any,
    b: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    adjoint_a: bool = False,
    adjoint_b: bool = False,
    a_is_sparse: bool = False,
    b_is_sparse: bool = False,
    output_type: DTypeLike | None = None,
    name: str | None = None,
) -> Tensor:
    """a @ b for rank >= 2 tensors, optionally transposing either (last two axes).

    ``adjoint_*`` is the conjugate transpose, the same as ``transpose_*`` for real
    numbers.  ``a_is_sparse``/``b_is_sparse`` are speed hints in TensorFlow (the
    result is the same); here both multiply densely.  ``output_type`` other than
    None is not supported.
    """
    if output_type is not None:
        raise NotImplementedError(f"matmul: output_type={output_type!r} is not supported")
    a, b = operands(a, b, "MatMul")
    if transpose_a or adjoint_a:
        a = apply(ops.Transpose(_swap_last(a.ndim)), a)
    if transpose_b or adjoint_b:
        b = apply(ops.Transpose(_swap_last(b.ndim)), b)
    return apply(ops.MatMul(), a, b)


def _swap_last(ndim):
    if ndim < 2:
        raise ValueError(f"matmul needs tensors of rank >= 2, received rank {ndim}")
    return list(range(ndim - 2)) + [ndim - 1, ndim - 2]


# -- comparisons (no gradient) ------------------------------------------------------
def _comparison(ufunc, op_name):
    def compare(x, y, name=None):
        a, b = operands(x, y, op_name)
        return Tensor(ufunc(value_of(a), value_of(b)))

    compare.__doc__ = f"Elementwise ``{ufunc.__name__}`` as a bool tensor (no gradient)."
    return compare


equal = _comparison(np.equal, "Equal")
not_equal = _comparison(np.not_equal, "NotEqual")
less = _comparison(np.less, "Less")
less_equal = _comparison(np.less_equal, "LessEqual")
greater = _comparison(np.greater, "Greater")
greater_equal = _comparison(np.greater_equal, "GreaterEqual")


def _bool_tensor(x, fname):
    t = convert_to_tensor(x)
    if t.dtype != np.bool_:
        raise InvalidArgumentError(f"{fname} expects bool tensors, received {t.dtype.name}")
    return value_of(t)


def logical_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x AND y elementwise on bool tensors."""
    return Tensor(np.logical_and(_bool_tensor(x, "logical_and"), _bool_tensor(y, "logical_and")))


def logical_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x OR y elementwise on bool tensors."""
    return Tensor(np.logical_or(_bool_tensor(x, "logical_or"), _bool_tensor(y, "logical_or")))


def logical_not(x: Any, name: str | None = None) -> Tensor:
    """NOT x elementwise on a bool tensor."""
    return Tensor(np.logical_not(_bool_tensor(x, "logical_not")))


# -- reductions ---------------------------------------------------------------------
def _numeric(x, fname):
    t = convert_to_tensor(x)
    if t.dtype == np.bool_:
        raise InvalidArgumentError(
            f"{fname} does not take a bool tensor; use tf.cast(x, tf.float32) first"
        )
    return t


def reduce_sum(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """The sum over ``axis`` (None: every axis)."""
    return apply(ops.Sum(axis, keepdims), _numeric(input_tensor, "reduce_sum"))


def reduce_mean(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """The mean over ``axis``; integer tensors give a truncated integer mean."""
    return apply(ops.Mean(axis, keepdims), _numeric(input_tensor, "reduce_mean"))


def reduce_max(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """The maximum over ``axis`` (tied maxima share the gradient)."""
    return apply(ops.Max(axis, keepdims), _numeric(input_tensor, "reduce_max"))


def reduce_min(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """The minimum over ``axis`` (tied minima share the gradient)."""
    return apply(ops.Min(axis, keepdims), _numeric(input_tensor, "reduce_min"))


def reduce_prod(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """The product over ``axis``."""
    return apply(ops.Prod(axis, keepdims), _numeric(input_tensor, "reduce_prod"))


def reduce_variance(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """mean((x - mean(x))**2) over ``axis`` (the population variance, divisor n)."""
    x = _float_tensor(input_tensor, "reduce_variance")
    centered = x - reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(square(centered), axis=axis, keepdims=keepdims)


def reduce_std(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None
) -> Tensor:
    """sqrt(reduce_variance(x)) over ``axis``."""
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def _arg_reduce(fn, x, axis, output_type):
    x = convert_to_tensor(x)
    axis = 0 if axis is None else int(value_of(axis))
    if not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {x.ndim}")
    out_dtype = np.dtype(output_type)
    if out_dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"output_type must be int32 or int64, received {out_dtype.name}")
    return Tensor(fn(value_of(x), axis=axis).astype(out_dtype))


def argmax(
    input: Any, axis: Any = None, output_type: DTypeLike = np.int64, name: str | None = None
) -> Tensor:  # noqa: A002
    """The index of the largest value along ``axis`` (None means axis 0, as in TensorFlow)."""
    return _arg_reduce(np.argmax, input, axis, output_type)


def argmin(
    input: Any, axis: Any = None, output_type: DTypeLike = np.int64, name: str | None = None
) -> Tensor:  # noqa: A002
    """The index of the smallest value along ``axis`` (None means axis 0)."""
    return _arg_reduce(np.argmin, input, axis, output_type)
