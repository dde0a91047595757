"""Variables and the flat store: every weight has one home, and nothing can disconnect it.

A ``Variable`` is one weight (Keras's name; ``scratchdl.tensorflow.Variable`` is the
same class): a name, a path such as ``"dense_1/kernel"``, a value, a gradient, and
the weight's regularizer and constraint.  ``value`` and ``grad`` are NumPy arrays.

Why a flat store: a small MLP spends most of a training step in Python call
overhead, not in arithmetic.  ``ParamStore.bind(layers)`` allocates one buffer
``data`` for all trainable values and one ``grad`` for their gradients, copies each
Variable in and makes its ``value``/``grad`` *views* of those buffers.  An optimizer
then updates the whole model with a handful of vectorised NumPy calls::

    data = [ dense/kernel (784*50) | dense/bias (50) | dense_1/kernel ... ]
    grad = same layout

The danger of views is rebinding: ``layer.grads["kernel"] = x.T @ dz`` or
``network.params["W1"] = W - lr * g`` would put a *new* array in the dict and leave
the store's memory behind, so training would silently stop changing that weight.
Here every public way of giving a weight a new value copies into its home:
``Variable.assign``, ``layer.params[key] = a``, ``layer.grads[key] = a`` (both
``WeightDict``), ``layer.kernel = a`` (``weight_property``), ``set_weights``.
Each checks the shape and that the dtype converts safely, and says which weight
and what was expected when it does not.

Each tensor is addressed by its path (never by ``id()``), so optimizer state saved to
disk can be matched to parameters by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "Variable",
    "WeightDict",
    "ParamStore",
    "TensorInfo",
    "assign_into",
    "weight_property",
]


def assign_into(target: np.ndarray, value: ArrayLike, what: str) -> None:
    """Copy ``value`` into the array ``target`` in place, or raise naming ``what``.

    ``value`` must have ``target``'s shape (a scalar is accepted for a scalar
    target) and a dtype that converts without changing its kind of number
    (float64 into float32 is fine, a string or a complex number is not).
    """
    if value is target:
        return
    arr = np.asarray(value)
    if arr.shape != target.shape:
        raise ValueError(
            f"cannot assign to {what}: expected an array of shape {target.shape}, "
            f"received shape {arr.shape}"
        )
    if not np.can_cast(arr.dtype, target.dtype, casting="same_kind"):
        raise TypeError(
            f"cannot assign to {what}: expected numbers convertible to {target.dtype}, "
            f"received dtype {arr.dtype}"
        )
    np.copyto(target, arr, casting="same_kind")


class Variable:
    """One weight: ``value`` (an ndarray), ``grad`` (dL/dvalue after a backward).

    Args:
        initial_value: an array (copied) or anything ``np.asarray`` takes.
        trainable: whether optimizers update it (``fit`` skips it when False).
        name: the short name, e.g. ``"kernel"``.
        dtype: default: a float input keeps its dtype, anything else becomes float32.
        regularizer, constraint: the weight's penalty and projection, if any.
        path: ``"<layer name>/<name>"`` once a layer owns it (defaults to ``name``).

    ``value`` is the live array: reading it is free, writing into it
    (``v.value[...] = a``) changes the weight.  ``numpy()`` returns a copy, as
    TensorFlow's does.  ``assign``/``assign_add``/``assign_sub`` write in place and
    return the Variable.

    Convention: TensorFlow's ``tf.Variable`` has the same methods; the gradient lives
    on the Variable here (``v.grad``) because the engine's layers write their
    hand-derived gradients into it, where TensorFlow returns them from a tape.
    """

    def __init__(
        self,
        initial_value: ArrayLike,
        trainable: bool = True,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        *,
        regularizer: Any = None,
        constraint: Any = None,
        path: str | None = None,
    ) -> None:
        value = np.array(initial_value, dtype=dtype, copy=True)
        if dtype is None and value.dtype.kind != "f":
            value = value.astype(np.float32)
        self._value = value
        self._grad = np.zeros_like(value)
        self.trainable = bool(trainable)
        self.name = "Variable" if name is None else str(name)
        self.path = self.name if path is None else str(path)
        self.regularizer = regularizer
        self.constraint = constraint
        self._store = None  # the ParamStore whose buffers hold value and grad, if any
        self._owner = None  # the layer holding it in its params/grads, if any

    # -- the arrays --------------------------------------------------------------
    @property
    def value(self) -> np.ndarray:
        return self._value

    @value.setter
    def value(self, new: ArrayLike) -> None:
        self.assign(new)

    @property
    def grad(self) -> np.ndarray:
        """dL/dvalue from the last backward (whatever the optimizer)."""
        return self._grad

    @grad.setter
    def grad(self, new: ArrayLike) -> None:
        assign_into(self._grad, new, f"the gradient of {self.path!r}")

    @property
    def shape(self) -> tuple:
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return int(self._value.size)

    def numpy(self) -> np.ndarray:
        """A copy of the value."""
        return self._value.copy()

    def __array__(self, dtype=None, copy=None):
        if copy:
            return np.array(self._value, dtype=dtype, copy=True)
        return self._value if dtype is None else self._value.astype(dtype, copy=False)

    def __len__(self) -> int:
        return len(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __getitem__(self, index):
        return self._value[index]

    # -- assignment (always in place) ---------------------------------------------
    def assign(self, value: ArrayLike) -> Variable:
        """``value := value_new`` in place (same shape; a safe dtype conversion)."""
        assign_into(self._value, value, f"variable {self.path!r}")
        return self

    def assign_add(self, delta: ArrayLike) -> Variable:
        """``value += delta`` in place."""
        self.assign(self._value + np.asarray(delta))
        return self

    def assign_sub(self, delta: ArrayLike) -> Variable:
        """``value -= delta`` in place."""
        self.assign(self._value - np.asarray(delta))
        return self

    def _rebind(self, value_view, grad_view, store) -> None:
        """Move into a store's buffers (the store copies the value in first).

        The owning layer's ``params``/``grads`` entries follow, so the layer keeps
        reading and writing the weight's one home.
        """
        self._value, self._grad, self._store = value_view, grad_view, store
        owner = self._owner
        if owner is not None and self.name in owner.params:
            owner.params._put(self.name, value_view)
            owner.grads._put(self.name, grad_view)

    def __repr__(self) -> str:
        return (
            f"<Variable {self.path!r} shape={self.shape} dtype={self.dtype.name}, "
            f"trainable={self.trainable}>"
        )

    # -- tensor operators ----------------------------------------------------------
    # A Variable takes part in tensor math as its current value, and an operation
    # that reads it while a GradientTape records makes it a source of that tape.
    # The operators live in scratchdl.autodiff, which registers them here when it
    # is imported (``register_tensor_operators``); the engine never imports the
    # autodiff.  Before that (no autodiff loaded, so no tape can be recording) a
    # Variable computes as its NumPy value.
    __array_priority__ = 100  # ``ndarray @ variable`` calls ``variable.__rmatmul__``

    def _tensor_operator(name):  # noqa: N805 (runs in the class body, not a method)
        def method(self, *args):
            if _TENSOR_OPERATORS is None:
                return getattr(self._value, name)(*args)
            return getattr(_TENSOR_OPERATORS, name)(self, *args)

        method.__name__ = name
        return method

    __add__, __radd__ = _tensor_operator("__add__"), _tensor_operator("__radd__")
    __sub__, __rsub__ = _tensor_operator("__sub__"), _tensor_operator("__rsub__")
    __mul__, __rmul__ = _tensor_operator("__mul__"), _tensor_operator("__rmul__")
    __truediv__ = _tensor_operator("__truediv__")
    __rtruediv__ = _tensor_operator("__rtruediv__")
    __floordiv__ = _tensor_operator("__floordiv__")
    __rfloordiv__ = _tensor_operator("__rfloordiv__")
    __mod__, __rmod__ = _tensor_operator("__mod__"), _tensor_operator("__rmod__")
    __pow__, __rpow__ = _tensor_operator("__pow__"), _tensor_operator("__rpow__")
    __matmul__ = _tensor_operator("__matmul__")
    __rmatmul__ = _tensor_operator("__rmatmul__")
    __neg__, __abs__ = _tensor_operator("__neg__"), _tensor_operator("__abs__")
    __lt__, __le__ = _tensor_operator("__lt__"), _tensor_operator("__le__")
    __gt__, __ge__ = _tensor_operator("__gt__"), _tensor_operator("__ge__")
    del _tensor_operator

    def _no_inplace(self, other):
        raise RuntimeError(
            f"`variable += value` (or -=, *=, /=) is not supported for Variable "
            f"{self.path!r}: it would make a new tensor, not change the Variable. "
            f"Use variable.assign_add(value) / assign_sub(value) / assign(...) instead"
        )

    __iadd__ = __isub__ = __imul__ = __itruediv__ = _no_inplace

    def __eq__(self, other):
        """An ndarray compares elementwise (as before ``__array_priority__`` made NumPy
        hand the comparison over); anything else compares identity, so Variables
        stay usable in lists, sets and dicts."""
        if isinstance(other, np.ndarray):
            return self._value == other
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, np.ndarray):
            return self._value != other
        return NotImplemented

    __hash__ = object.__hash__


_TENSOR_OPERATORS = None


def register_tensor_operators(operators: Any) -> None:
    """Called by ``scratchdl.autodiff`` on import: Variables then compute as tensors."""
    global _TENSOR_OPERATORS
    _TENSOR_OPERATORS = operators


class WeightDict(dict):
    """A layer's ``params``, ``grads`` or ``state``: name -> the weight's live array.

    Reading is a plain dict lookup (the hot path).  Setting an existing name copies
    into the existing array (``assign_into``), so the store's memory stays the
    weight's home.  Setting a new name in ``params``/``state`` creates a Variable
    (trainable / not) on the owning layer; a new name in ``grads`` is an error,
    since a gradient needs a parameter.
    """

    def __init__(self, owner: Any, kind: str) -> None:
        super().__init__()
        self._owner = owner
        self._kind = kind  # "params", "grads" or "state"

    def __setitem__(self, key, value):
        current = self.get(key)
        if current is not None:
            what = f"{self._kind}[{key!r}] of layer {getattr(self._owner, 'name', '?')!r}"
            assign_into(current, value, what)
        elif self._kind == "grads":
            raise KeyError(
                f"layer {getattr(self._owner, 'name', '?')!r} has no parameter {key!r} to "
                f"hold a gradient; parameters: {list(self)}"
            )
        else:
            self._owner._create_weight(key, value, trainable=self._kind == "params")

    def _put(self, key, array) -> None:
        """Point ``key`` at ``array`` (used only when a weight moves into a store)."""
        dict.__setitem__(self, key, array)

    def __delitem__(self, key):
        raise TypeError(f"weights cannot be removed from a layer (tried to delete {key!r})")


def weight_property(key: str, doc: str | None = None) -> property:
    """A layer attribute for weight ``key``: reading gives the Variable, setting assigns.

    ``layer.kernel = a`` is therefore the same as ``layer.kernel.assign(a)``.
    """

    def get(layer):
        try:
            return layer._variables[key]
        except KeyError:
            raise AttributeError(
                f"layer {layer.name!r} has no weight {key!r} yet (it is created by build)"
            ) from None

    def set_(layer, value) -> None:
        get(layer).assign(value)

    return property(get, set_, doc=doc or f"The layer's {key!r} Variable.")


@dataclass
class TensorInfo:
    """Where one trainable Variable sits in the flat buffers.

    Attributes:
        path: ``"<layer name>/<key>"``, e.g. ``"dense_1/kernel"``.
        layer: the layer that owns the tensor.
        key: the key in ``layer.params`` / ``layer.grads``.
        start, stop: the slice of the flat buffers holding it.
        shape: the tensor's shape.
        variable: the Variable itself.
    """

    path: str
    layer: object
    key: str
    start: int
    stop: int
    shape: tuple
    variable: Variable | None = None

    @property
    def size(self) -> int:
        return self.stop - self.start


class ParamStore:
    """One flat buffer of trainable values (``data``) and one of gradients (``grad``).

    Args:
        dtype: the floating dtype of both buffers (float32 unless asked otherwise).

    After ``bind``, ``tensors`` lists a ``TensorInfo`` per trainable tensor in layer
    order, ``offsets`` holds their start indices (for ``np.add.reduceat``), and
    ``view(path)`` / ``grad_view(path)`` return the reshaped views.
    """

    def __init__(self, dtype: DTypeLike = np.float32) -> None:
        self.dtype = np.dtype(dtype)
        self.data = np.zeros(0, dtype=self.dtype)
        self.grad = np.zeros(0, dtype=self.dtype)
        self.tensors: list[TensorInfo] = []
        self._by_path: dict[str, TensorInfo] = {}
        self.offsets = np.zeros(0, dtype=np.intp)

    @property
    def size(self) -> int:
        """Total number of trainable scalars."""
        return int(self.data.size)

    @property
    def paths(self) -> list[str]:
        return [t.path for t in self.tensors]

    def bind(self, layers: Iterable[Any]) -> ParamStore:
        """Move the trainable Variables of ``layers`` into the flat buffers.

        A Variable keeps its current value (it is copied in), so binding a layer
        that another model already trained moves its weights, never resets them.
        Layers whose ``trainable`` is False keep their own arrays.  Returns ``self``.
        """
        entries, total = [], 0
        for layer in layers:
            if not getattr(layer, "trainable", True):
                continue
            for key, var in layer.variables_by_key(trainable=True):
                n = var.size
                entries.append(TensorInfo(var.path, layer, key, total, total + n, var.shape, var))
                total += n
        data = np.empty(total, dtype=self.dtype)
        grad = np.zeros(total, dtype=self.dtype)
        for t in entries:
            data[t.start : t.stop] = t.variable.value.ravel()
            value = data[t.start : t.stop].reshape(t.shape)
            g = grad[t.start : t.stop].reshape(t.shape)
            t.variable._rebind(value, g, self)
        self.data, self.grad, self.tensors = data, grad, entries
        self._by_path = {t.path: t for t in entries}
        self.offsets = np.array([t.start for t in entries], dtype=np.intp)
        return self

    def bind_variables(self, variables: Iterable[Variable]) -> ParamStore:
        """A store over Variables no layer holds (``tf.Variable``s of a custom loop).

        They move into this store's buffers with their current values; a model whose
        layers own some of them binds them back before it trains.
        """
        entries, total = [], 0
        for var in variables:
            entries.append(
                TensorInfo(var.path, None, var.name, total, total + var.size, var.shape, var)
            )
            total += var.size
        data = np.empty(total, dtype=self.dtype)
        grad = np.zeros(total, dtype=self.dtype)
        for t in entries:
            data[t.start : t.stop] = t.variable.value.ravel()
            t.variable._rebind(
                data[t.start : t.stop].reshape(t.shape),
                grad[t.start : t.stop].reshape(t.shape),
                self,
            )
        self.data, self.grad, self.tensors = data, grad, entries
        self._by_path = {t.path: t for t in entries}
        self.offsets = np.array([t.start for t in entries], dtype=np.intp)
        return self

    def is_home(self) -> bool:
        """True while every Variable bound here still lives in these buffers.

        False after another model bound one of the same layers (shared layers): the
        owner must bind again before training, or updates would miss the weights.
        """
        return all(t.variable._store is self for t in self.tensors)

    def info(self, path: str) -> TensorInfo:
        try:
            return self._by_path[path]
        except KeyError:
            raise KeyError(
                f"no trainable parameter named {path!r}; known paths: {self.paths}"
            ) from None

    def view(self, path: str) -> np.ndarray:
        """The parameter tensor at ``path`` as a view of ``data``."""
        t = self.info(path)
        return self.data[t.start : t.stop].reshape(t.shape)

    def grad_view(self, path: str) -> np.ndarray:
        """The gradient tensor at ``path`` as a view of ``grad``."""
        t = self.info(path)
        return self.grad[t.start : t.stop].reshape(t.shape)

    def flat_view(self, array: np.ndarray, path: str) -> np.ndarray:
        """The slice of any flat array laid out like ``data`` (e.g. Adam's ``m``) for ``path``."""
        t = self.info(path)
        return array[t.start : t.stop].reshape(t.shape)

    def mask(self, predicate: Callable[[Any], bool]) -> np.ndarray | None:
        """A flat boolean mask that is True on tensors where ``predicate(info)`` holds.

        Returns None when the predicate holds everywhere (no masking needed).
        """
        m = np.zeros(self.size, dtype=bool)
        for t in self.tensors:
            if predicate(t):
                m[t.start : t.stop] = True
        return None if m.all() else m
