"""Making tensors and moving their elements: TensorFlow's names and defaults.

Creation: ``constant``, ``zeros``, ``ones``, ``*_like``, ``fill``, ``range``,
``eye``.  Shape and selection: ``reshape``, ``transpose``, ``expand_dims``,
``squeeze``, ``concat``, ``stack``, ``gather``, ``where``, ``clip_by_value``,
``cast``, ``one_hot``, ``shape``, ``size``, ``rank``, ``identity``.
Default dtypes as TensorFlow: Python floats float32, Python ints int32, NumPy
arrays keep theirs.  ``name=`` has no effect (see ``math_ops``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from scratchdl.autodiff import ops
from scratchdl.autodiff.tensor import (
    InvalidArgumentError,
    Tensor,
    apply,
    convert_to_tensor,
    default_array,
    is_tensor,
    like,
    operands,
    value_of,
)
from scratchdl.variables import Variable

__all__ = [
    "constant", "convert_to_tensor_v2", "zeros", "ones", "zeros_like", "ones_like", "fill",
    "range", "eye", "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack",
    "gather", "where", "clip_by_value", "cast", "one_hot", "shape", "size", "rank",
    "identity", "stop_gradient",
]  # fmt: skip


def _dims(shape):
    return tuple(int(n) for n in np.asarray(value_of(shape)).ravel())


def constant(
    value: Any,
    dtype: DTypeLike | None = None,
    shape: Sequence[int] | None = None,
    name: str = "Const",
) -> Tensor:
    """A tensor holding ``value`` (copied); ``shape`` fills a scalar or reshapes."""
    arr = np.array(default_array(value, dtype), copy=True)
    if shape is None:
        return Tensor(arr)
    dims = _dims(shape)
    if arr.size == 1:
        return Tensor(np.full(dims, arr.reshape(()), dtype=arr.dtype))
    if arr.size != int(np.prod(dims)):
        raise TypeError(
            f"Expected Tensor's shape: {dims}, but got {arr.size} elements of shape {arr.shape}"
        )
    return Tensor(arr.reshape(dims))


def convert_to_tensor_v2(
    value: Any,
    dtype: DTypeLike | None = None,
    dtype_hint: DTypeLike | None = None,
    name: str | None = None,
) -> Tensor | Variable:
    """``value`` as a tensor; ``dtype_hint`` is the dtype to use when ``value`` has none."""
    plain = not is_tensor(value) and not isinstance(value, (np.ndarray, np.generic))
    if dtype is None and dtype_hint is not None and plain:
        return Tensor(default_array(value, dtype_hint))
    return convert_to_tensor(value, dtype)


def zeros(
    shape: Sequence[int] | int, dtype: DTypeLike = np.float32, name: str | None = None
) -> Tensor:
    """A tensor of zeros."""
    return Tensor(np.zeros(_dims(shape), dtype=dtype))


def ones(
    shape: Sequence[int] | int, dtype: DTypeLike = np.float32, name: str | None = None
) -> Tensor:
    """A tensor of ones."""
    return Tensor(np.ones(_dims(shape), dtype=dtype))


def zeros_like(input: Any, dtype: DTypeLike | None = None, name: str | None = None) -> Tensor:  # noqa: A002 (TensorFlow's name)
    """Zeros with ``input``'s shape (and dtype unless given)."""
    x = convert_to_tensor(input)
    return Tensor(np.zeros(x.shape, dtype=dtype or x.dtype))


def ones_like(input: Any, dtype: DTypeLike | None = None, name: str | None = None) -> Tensor:  # noqa: A002
    """Ones with ``input``'s shape (and dtype unless given)."""
    x = convert_to_tensor(input)
    return Tensor(np.ones(x.shape, dtype=dtype or x.dtype))


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` filled with the scalar ``value`` (its dtype)."""
    v = default_array(value)
    if v.ndim != 0:
        raise ValueError(f"fill: value must be a scalar, received shape {v.shape}")
    return Tensor(np.full(_dims(dims), v, dtype=v.dtype))


def range(
    start: Any,
    limit: Any = None,
    delta: Any = 1,
    dtype: DTypeLike | None = None,
    name: str = "range",
) -> Tensor:  # noqa: A001
    """[start, start + delta, ...) up to ``limit`` (``range(n)`` is 0..n-1).

    dtype: float32 if any argument is a float, else int32, unless given.
    """
    if limit is None:
        start, limit = 0, start
    values = [value_of(v) if is_tensor(v) else v for v in (start, limit, delta)]
    if float(values[2]) == 0:
        raise InvalidArgumentError("range: delta must not be 0")
    if dtype is None:
        is_float = builtins.any(np.asarray(v).dtype.kind == "f" for v in values)
        dtype = np.float32 if is_float else np.int32
    return Tensor(np.arange(*[np.asarray(v).item() for v in values]).astype(dtype))


def eye(
    num_rows: int,
    num_columns: int | None = None,
    batch_shape: Sequence[int] | None = None,
    dtype: DTypeLike = np.float32,
    name: str | None = None,
) -> Tensor:
    """An identity matrix (``num_rows`` x ``num_columns``), copied over ``batch_shape``."""
    m = np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=dtype)
    if batch_shape is not None:
        m = np.broadcast_to(m, _dims(batch_shape) + m.shape).copy()
    return Tensor(m)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """The same elements in a new shape (one entry may be -1)."""
    return apply(ops.Reshape(_dims(shape)), convert_to_tensor(tensor))


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str = "transpose") -> Tensor:
    """Axes permuted by ``perm`` (None: reversed).  ``conjugate`` only matters for
    complex numbers, which scratchdl does not have; True is refused."""
    if conjugate:
        raise NotImplementedError("transpose: conjugate=True (complex tensors) is not supported")
    return apply(ops.Transpose(None if perm is None else _dims(perm)), convert_to_tensor(a))


def expand_dims(input: Any, axis: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """A new axis of size 1 inserted at ``axis``."""
    x = convert_to_tensor(input)
    axis = int(value_of(axis))
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise ValueError(f"expand_dims: axis {axis} is out of range for rank {x.ndim}")
    return apply(ops.Reshape(np.expand_dims(np.empty(x.shape, bool), axis).shape), x)


def squeeze(input: Any, axis: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:  # noqa: A002
    """Axes of size 1 removed (all of them, or those in ``axis``, which must be 1)."""
    x = convert_to_tensor(input)
    axes = ops.normalize_axes(axis, x.ndim) if axis is not None else None
    if axes is not None:
        wrong = [a for a in axes if x.shape[a] != 1]
        if wrong:
            raise InvalidArgumentError(
                f"squeeze: cannot squeeze axis {wrong[0]} of size {x.shape[wrong[0]]} "
                f"(shape {tuple(x.shape)}); expected size 1"
            )
    new_shape = np.squeeze(np.empty(x.shape, bool), axis=axes).shape
    return apply(ops.Reshape(new_shape), x)


def _same_dtype(values, fname):
    """The values as tensors of one dtype: that of the first tensor among them (plain
    numbers and arrays are converted to it); two tensor dtypes that differ raise."""
    if not values:
        raise ValueError(f"{fname} needs at least one tensor, received an empty list")
    first = next((v for v in values if is_tensor(v)), None)
    if first is None:  # no tensor: plain values agree on one dtype, as a list would
        arrays = [default_array(v) for v in values]
        common = np.result_type(*arrays)
        return [Tensor(a.astype(common, copy=False)) for a in arrays]
    out = [v if is_tensor(v) else like(v, first.dtype) for v in values]
    for t in out:
        if t.dtype != first.dtype:
            raise InvalidArgumentError(
                f"{fname}: all tensors must have one dtype, received "
                f"{first.dtype.name} and {t.dtype.name}"
            )
    return out


def concat(values: Sequence[Any], axis: Any, name: str = "concat") -> Tensor:
    """The tensors joined along an existing ``axis``."""
    xs = _same_dtype(list(values), "concat")
    return apply(ops.Concat(int(value_of(axis))), *xs)


def stack(values: Sequence[Any], axis: Any = 0, name: str = "stack") -> Tensor:
    """The tensors (one shape) stacked along a new ``axis``."""
    xs = _same_dtype(list(values), "stack")
    return apply(ops.Stack(int(value_of(axis))), *xs)


def gather(
    params: Any,
    indices: Any,
    validate_indices: bool | None = None,
    axis: int | None = None,
    batch_dims: int = 0,
    name: str | None = None,
) -> Tensor:
    """Slices of ``params`` along ``axis`` (default 0) picked by integer ``indices``.

    ``validate_indices`` is deprecated and ignored by TensorFlow; here indices are
    always checked (an out-of-range index raises).  ``batch_dims`` must be 0.
    """
    if batch_dims != 0:
        raise NotImplementedError(f"gather: batch_dims={batch_dims} is not supported (only 0)")
    idx = np.asarray(value_of(indices))
    if idx.dtype.kind not in "iu":
        raise InvalidArgumentError(f"gather: indices must be integers, received {idx.dtype.name}")
    axis = 0 if axis is None else int(value_of(axis))
    return apply(ops.Gather(idx, axis), convert_to_tensor(params))


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """``x`` where ``condition`` else ``y`` (broadcasting); with neither x nor y, the
    int64 coordinates of the True entries, shape (count, rank)."""
    cond = np.asarray(value_of(condition))
    if cond.dtype != np.bool_:
        raise InvalidArgumentError(f"where: condition must be bool, received {cond.dtype.name}")
    if x is None and y is None:
        return Tensor(np.argwhere(cond).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    a, b = operands(x, y, "SelectV2")
    return apply(ops.Where(cond), a, b)


def clip_by_value(
    t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None
) -> Tensor:
    """``t`` with values below the min raised to it and above the max lowered to it."""
    x = convert_to_tensor(t)
    lo, hi = np.asarray(value_of(clip_value_min)), np.asarray(value_of(clip_value_max))
    if np.any(lo > hi):
        raise InvalidArgumentError(
            f"clip_by_value: clip_value_min {lo} is larger than clip_value_max {hi}"
        )
    return apply(ops.Clip(lo.astype(x.dtype), hi.astype(x.dtype)), x)


def cast(x: Any, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """``x`` converted to ``dtype``; float to int truncates toward zero.  The gradient
    flows only from float to float."""
    x, dtype = convert_to_tensor(x), np.dtype(dtype)
    if x.dtype.kind == "f" and dtype.kind == "f":
        return apply(ops.Cast(dtype), x)
    return Tensor(value_of(x).astype(dtype))


def one_hot(
    indices: Any,
    depth: int,
    on_value: Any = None,
    off_value: Any = None,
    axis: int | None = None,
    dtype: DTypeLike | None = None,
    name: str | None = None,
) -> Tensor:
    """``on_value`` at each index and ``off_value`` elsewhere, on a new axis of size depth.

    Defaults: on 1, off 0, axis -1, dtype from on/off values (float32 if none).
    An index < 0 or >= depth gives a row of off values, as in TensorFlow.
    """
    idx = np.asarray(value_of(indices))
    if idx.dtype.kind not in "iu":
        raise InvalidArgumentError(f"one_hot: indices must be integers, received {idx.dtype.name}")
    given = [default_array(v) for v in (on_value, off_value) if v is not None]
    if dtype is None:
        dtype = given[0].dtype if given else np.float32
    on = 1 if on_value is None else value_of(on_value)
    off = 0 if off_value is None else value_of(off_value)
    hit = idx[..., None] == np.arange(int(depth))
    out = np.where(hit, on, off).astype(dtype)
    if axis is not None and int(axis) != -1:
        out = np.moveaxis(out, -1, int(axis))
    return Tensor(out)


def shape(input: Any, out_type: DTypeLike = np.int32, name: str | None = None) -> Tensor:  # noqa: A002
    """The shape of ``input`` as a 1-D integer tensor."""
    return Tensor(np.array(convert_to_tensor(input).shape, dtype=out_type))


def size(input: Any, out_type: DTypeLike = np.int32, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of elements of ``input`` as a scalar integer tensor."""
    return Tensor(np.array(int(np.prod(convert_to_tensor(input).shape)), dtype=out_type))


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of axes of ``input`` as a scalar int32 tensor."""
    return Tensor(np.array(convert_to_tensor(input).ndim, dtype=np.int32))


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """A copy of ``input`` that the tape connects to it (the gradient passes through)."""
    return apply(ops.Identity(), convert_to_tensor(input))


def stop_gradient(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """A copy of ``input`` through which no gradient flows."""
    return Tensor(value_of(convert_to_tensor(input)).copy())
