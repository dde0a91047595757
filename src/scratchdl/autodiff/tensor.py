"""``Tensor``: an immutable NumPy array that operations can record on a tape.

A Tensor wraps one ndarray (``numpy()`` returns a copy of it).  Its operators
(``+ - * / ** @``, unary ``-``, ``abs``, indexing, comparisons) broadcast as in
NumPy and go through ``apply``, which runs the operation and — only while a
``GradientTape`` records — writes it on the tape.

dtypes follow TensorFlow, not NumPy: two tensors of different dtypes are never
combined silently (``InvalidArgumentError``), while a Python number or a NumPy
array meeting a tensor is converted to the tensor's dtype (a float64 array
times a float32 tensor is float32).  ``int / int`` gives float64, ``//`` stays
integer.  A ``Variable`` behaves as a tensor holding its current value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from scratchdl.autodiff import ops, recording
from scratchdl.variables import Variable, register_tensor_operators

__all__ = [
    "Tensor",
    "TensorShape",
    "InvalidArgumentError",
    "apply",
    "convert_to_tensor",
    "is_tensor",
    "value_of",
]


class InvalidArgumentError(ValueError):
    """An operation received arguments it cannot combine (TensorFlow's error name)."""


class TensorShape(tuple):
    """A tensor's shape: a tuple of ints, with TensorFlow's ``as_list()`` and ``rank``."""

    def as_list(self) -> list:
        return list(self)

    @property
    def rank(self) -> int:
        return len(self)


def is_tensor(x: object) -> bool:
    """True for a Tensor or a Variable (the things an operation may record)."""
    return isinstance(x, (Tensor, Variable))


def value_of(x: Any) -> np.ndarray:
    """The ndarray behind a Tensor or Variable; anything else through ``np.asarray``."""
    if isinstance(x, Tensor):
        return x._value
    if isinstance(x, Variable):
        return x.value
    return np.asarray(x)


def default_array(value: ArrayLike, dtype: DTypeLike | None = None) -> np.ndarray:
    """``value`` as an array with TensorFlow's default dtypes.

    A given ``dtype`` wins.  Otherwise NumPy arrays and NumPy scalars keep their
    dtype; Python floats (and lists of them) become float32, Python ints int32.
    """
    if dtype is not None:
        return np.asarray(value_of(value), dtype=np.dtype(dtype))
    if isinstance(value, (np.ndarray, np.generic, Tensor, Variable)):
        return np.asarray(value_of(value))
    arr = np.asarray(value)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype.kind == "i":
        return arr.astype(np.int32)
    if arr.dtype.kind not in "fiub":
        raise TypeError(
            f"cannot convert {value!r} to a tensor: expected numbers or booleans, "
            f"received dtype {arr.dtype}"
        )
    return arr


def convert_to_tensor(value: Any, dtype: DTypeLike | None = None) -> Tensor | Variable:
    """``value`` as a tensor: a Tensor or Variable is returned as is (dtype checked)."""
    if is_tensor(value):
        if dtype is not None and np.dtype(dtype) != value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {np.dtype(dtype).name} for a tensor "
                f"of dtype {value.dtype.name}"
            )
        return value
    return Tensor(default_array(value, dtype))


def apply(op: ops.Op, *inputs: Any) -> Tensor:
    """Run ``op`` on tensors and return its output; record it if a tape is recording."""
    out = Tensor(op.forward(*[value_of(x) for x in inputs]))
    if recording._local.tapes:
        recording.record(op, inputs, out)
    return out


def like(value: Any, dtype: DTypeLike) -> Tensor:
    """A Python number or array converted to ``dtype`` to meet a tensor of that dtype."""
    arr = np.asarray(value_of(value))
    if arr.dtype.kind in "fc" and dtype.kind in "iub":
        raise InvalidArgumentError(
            f"cannot combine a float value with a tensor of dtype {dtype.name} "
            f"(received {value!r}); cast one of them first"
        )
    return Tensor(arr.astype(dtype, copy=False))


def operands(a: Any, b: Any, op_name: str) -> tuple[Any, Any]:
    """``a`` and ``b`` as two tensors of one dtype, following TensorFlow's rules."""
    if is_tensor(a) and is_tensor(b):
        if a.dtype != b.dtype:
            raise InvalidArgumentError(
                f"cannot compute {op_name} as input #1(zero-based) was expected to be a "
                f"{a.dtype.name} tensor but is a {b.dtype.name} tensor"
            )
        return a, b
    if is_tensor(a):
        return a, like(b, a.dtype)
    if is_tensor(b):
        return like(a, b.dtype), b
    a = convert_to_tensor(a)  # two plain values: the first one sets the dtype
    return a, like(b, a.dtype)


def _binary(op_class, swap: bool = False):
    name = op_class.name

    def method(self, other):
        a, b = (other, self) if swap else (self, other)
        a, b = operands(a, b, name)
        if op_class is ops.Divide and a.dtype.kind in "iub":
            return _int_true_divide(a, b)
        return apply(op_class(), a, b)

    method.__name__ = f"__{'r' if swap else ''}{name}__"
    method.__doc__ = f"Recorded elementwise {name} with broadcasting."
    return method


def _int_true_divide(a, b):
    """Integer ``/``: float64 values, as TensorFlow's truediv (no gradient: integers)."""
    return Tensor(value_of(a).astype(np.float64) / value_of(b).astype(np.float64))


def _compare(ufunc):
    def method(self, other):
        a, b = operands(self, other, ufunc.__name__)
        return Tensor(ufunc(value_of(a), value_of(b)))

    method.__name__ = f"__{ufunc.__name__}__"
    return method


def _unary(op_class):
    def method(self):
        return apply(op_class(), self)

    return method


def _getitem(self, index):
    if isinstance(index, Tensor):
        index = index._value
    elif isinstance(index, tuple):
        index = tuple(i._value if isinstance(i, Tensor) else i for i in index)
    return apply(ops.GetItem(index), self)


def _floordiv(a, b):
    a, b = operands(a, b, "floordiv")
    return Tensor(np.floor_divide(value_of(a), value_of(b)))


def _mod(a, b):
    a, b = operands(a, b, "floormod")
    return Tensor(np.mod(value_of(a), value_of(b)))


class TensorOperators:
    """The operators shared by ``Tensor`` and ``Variable``."""

    __slots__ = ()
    __array_priority__ = 100  # ``ndarray + tensor`` calls the tensor's ``__radd__``

    __add__, __radd__ = _binary(ops.Add), _binary(ops.Add, swap=True)
    __sub__, __rsub__ = _binary(ops.Subtract), _binary(ops.Subtract, swap=True)
    __mul__, __rmul__ = _binary(ops.Multiply), _binary(ops.Multiply, swap=True)
    __truediv__, __rtruediv__ = _binary(ops.Divide), _binary(ops.Divide, swap=True)
    __pow__, __rpow__ = _binary(ops.Pow), _binary(ops.Pow, swap=True)
    __matmul__, __rmatmul__ = _binary(ops.MatMul), _binary(ops.MatMul, swap=True)
    __neg__, __abs__ = _unary(ops.Negative), _unary(ops.Abs)
    __lt__, __le__ = _compare(np.less), _compare(np.less_equal)
    __gt__, __ge__ = _compare(np.greater), _compare(np.greater_equal)
    __getitem__ = _getitem

    def __floordiv__(self, other):
        return _floordiv(self, other)

    def __rfloordiv__(self, other):
        return _floordiv(other, self)

    def __mod__(self, other):
        return _mod(self, other)

    def __rmod__(self, other):
        return _mod(other, self)

    def __pos__(self):
        return self


class Tensor(TensorOperators):
    """An immutable array with a shape and a dtype (``tf.Tensor``).

    Make one with ``convert_to_tensor`` / ``tf.constant``; ``Tensor(array)`` wraps
    ``array`` as it is.  ``==`` and ``!=`` compare elementwise (as in TensorFlow 2),
    so a Tensor is hashed by identity.
    """

    __slots__ = ("_value", "__weakref__")

    def __init__(self, value: ArrayLike) -> None:
        self._value = value if isinstance(value, np.ndarray) else np.asarray(value)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value.shape)

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    def get_shape(self) -> TensorShape:
        return self.shape

    def numpy(self) -> np.ndarray:
        """A copy of the values as an ndarray (a NumPy scalar for a rank-0 tensor)."""
        v = self._value.copy()
        return v[()] if v.ndim == 0 else v

    def __array__(self, dtype=None, copy=None):
        if copy:
            return np.array(self._value, dtype=dtype, copy=True)
        return self._value if dtype is None else self._value.astype(dtype, copy=False)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a rank-0 tensor (a scalar) is undefined")
        return len(self._value)

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iterating over a rank-0 tensor (a scalar) is not allowed")
        return (self[i] for i in range(len(self._value)))

    def __bool__(self):
        if self._value.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self._value.size} elements is ambiguous"
            )
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        return int(self._value)

    __eq__ = _compare(np.equal)
    __ne__ = _compare(np.not_equal)
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(self._value, separator=", ")
        return f"<tf.Tensor: shape={tuple(self.shape)}, dtype={self.dtype.name}, numpy={body}>"

    def __str__(self) -> str:
        return f"tf.Tensor({self._value}, shape={tuple(self.shape)}, dtype={self.dtype.name})"


register_tensor_operators(TensorOperators)  # Variables now record on tapes, as tensors
