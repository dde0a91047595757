"""Elementwise arithmetic and matrix multiplication.

Inputs of different shapes broadcast as in NumPy; each backward sums its
gradient back to the input's shape with ``unbroadcast``.
"""

from __future__ import annotations

import numpy as np

from scratchdl.autodiff.ops.base import Op, unbroadcast

__all__ = [
    "Add",
    "Subtract",
    "Multiply",
    "Divide",
    "Negative",
    "Pow",
    "Square",
    "Sqrt",
    "Exp",
    "Log",
    "Abs",
    "Maximum",
    "Minimum",
    "MatMul",
    "Identity",
]


class Add(Op):
    """Forward: y = a + b.   Backward: da = dy, db = dy (each unbroadcast)."""

    name = "add"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a_shape, self.b_shape = a.shape, b.shape
        return a + b

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return unbroadcast(dout, self.a_shape), unbroadcast(dout, self.b_shape)


class Subtract(Op):
    """Forward: y = a - b.   Backward: da = dy, db = -dy."""

    name = "subtract"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a_shape, self.b_shape = a.shape, b.shape
        return a - b

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return unbroadcast(dout, self.a_shape), unbroadcast(-dout, self.b_shape)


class Multiply(Op):
    """Forward: y = a * b.   Backward: da = dy * b, db = dy * a."""

    name = "multiply"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        return a * b

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return unbroadcast(dout * self.b, self.a.shape), unbroadcast(dout * self.a, self.b.shape)


class Divide(Op):
    """Forward: y = a / b.   Backward: da = dy / b, db = -dy * a / b**2."""

    name = "divide"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        return a / b

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        da = dout / self.b
        db = -dout * self.a / (self.b * self.b)
        return unbroadcast(da, self.a.shape), unbroadcast(db, self.b.shape)


class Negative(Op):
    """Forward: y = -x.   Backward: dx = -dy."""

    name = "negative"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return -x

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (-dout,)


class Identity(Op):
    """Forward: y = x (a copy).   Backward: dx = dy."""

    name = "identity"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, copy=True)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout,)


class Pow(Op):
    """Forward: y = a ** b.

    Backward: da = dy * b * a**(b - 1);  db = dy * y * log(a) where a > 0, else 0
    (log a is undefined there; TensorFlow makes the same choice).
    """

    name = "pow"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        self.y = np.power(a, b)
        return self.y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.a, self.b
        da = dout * b * np.power(a, b - 1)
        log_a = np.log(np.where(a > 0, a, 1))
        db = dout * self.y * log_a
        return unbroadcast(da, a.shape), unbroadcast(db, b.shape)


class Square(Op):
    """Forward: y = x**2.   Backward: dx = 2 x dy."""

    name = "square"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x * x

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (2 * self.x * dout,)


class Sqrt(Op):
    """Forward: y = sqrt(x).   Backward: dx = dy / (2 y)."""

    name = "sqrt"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = np.sqrt(x)
        return self.y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout / (2 * self.y),)


class Exp(Op):
    """Forward: y = exp(x).   Backward: dx = dy * y."""

    name = "exp"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = np.exp(x)
        return self.y

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout * self.y,)


class Log(Op):
    """Forward: y = log(x) (natural).   Backward: dx = dy / x."""

    name = "log"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return np.log(x)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout / self.x,)


class Abs(Op):
    """Forward: y = |x|.   Backward: dx = dy * sign(x)  (0 at x = 0)."""

    name = "abs"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return np.abs(x)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray]:
        return (dout * np.sign(self.x),)


class Maximum(Op):
    """Forward: y = max(a, b) elementwise.

    Backward: the gradient goes to a where a >= b, to b elsewhere (ties go to a,
    as in TensorFlow).
    """

    name = "maximum"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a_shape, self.b_shape = a.shape, b.shape
        self.mask = a >= b
        return np.maximum(a, b)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        da = np.where(self.mask, dout, 0)
        db = np.where(self.mask, 0, dout)
        return unbroadcast(da, self.a_shape), unbroadcast(db, self.b_shape)


class Minimum(Maximum):
    """Forward: y = min(a, b).   Backward: to a where a <= b, to b elsewhere."""

    name = "minimum"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a_shape, self.b_shape = a.shape, b.shape
        self.mask = a <= b
        return np.minimum(a, b)


class MatMul(Op):
    """Forward: Y = A @ B (rank >= 2; leading batch axes broadcast).

    Backward: dA = dY @ B^T,  dB = A^T @ dY  (transposes of the last two axes,
    then summed over broadcast batch axes).

    Shapes: A (..., n, k), B (..., k, m) -> Y (..., n, m).
    """

    name = "matmul"

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.ndim < 2 or b.ndim < 2:
            raise ValueError(
                f"matmul needs tensors of rank >= 2, received shapes {a.shape} and {b.shape}"
            )
        if a.shape[-1] != b.shape[-2]:
            raise ValueError(
                f"matmul: inner dimensions differ, received shapes {a.shape} and {b.shape}"
            )
        self.a, self.b = a, b
        return a @ b

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        need_a, need_b = self.needs_grad or (True, True)
        da = db = None  # a gradient nobody tracks is not computed (x in x @ W)
        if need_a:
            da = unbroadcast(dout @ np.swapaxes(self.b, -1, -2), self.a.shape)
        if need_b:
            db = unbroadcast(np.swapaxes(self.a, -1, -2) @ dout, self.b.shape)
        return da, db
