"""Numerical gradient checking: the test every differentiable unit must pass.

Central differences in float64::

    dL/dx[i] ~= (L(x + h e_i) - L(x - h e_i)) / (2 h)

A layer is checked against the scalar ``L = sum(y * G)`` where ``y`` is its output
and ``G`` a *random* upstream gradient.  A random ``G`` matters: with ``G = 1``
the gradient of ``sum(softmax(x))`` or of ``sum(batchnorm(x))`` is exactly zero,
so a wrong backward would pass.  For the same reason a check whose numerical
gradient is all zeros fails instead of passing vacuously.

The relative error used is ``|a - n| / max(|a| + |n|, tiny)`` reduced by max, with
``tiny = 1e-8`` so that entries where both are ~0 do not explode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:  # annotation only: the engine's units are checked, not imported
    from scratchdl.layers.base import Layer
    from scratchdl.losses.base import Loss

__all__ = [
    "numerical_gradient",
    "relative_error",
    "check_layer",
    "check_loss",
    "check_function",
    "check_op",
    "GradCheckResult",
    "GradientCheckError",
]


class GradientCheckError(AssertionError):
    """Raised by ``assert_ok`` when a gradient check fails; the message is a table."""


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """dF/dx by central differences; ``x`` is perturbed in place and restored.

    Args:
        f: a function of no arguments returning a float (it reads ``x``).
        x: a float array (float64 for meaningful results; an integer array is
           rejected, since ``x[i] + h`` would be truncated — the book's bug).
        h: the step.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numerical_gradient needs a float array, received dtype {x.dtype}")
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x = x.reshape(-1)
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = float(f())
        flat_x[i] = old - h
        f_minus = float(f())
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, tiny: float = 1e-8) -> float:
    """max |a - n| / max(|a| + |n|, tiny), elementwise."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"shapes differ: analytic {a.shape} vs numeric {n.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), tiny)))


@dataclass
class GradCheckResult:
    """One row per checked array: its name, relative error and max |numeric|."""

    name: str
    rows: list = field(default_factory=list)  # (key, rel_error, max_abs_numeric, ok)
    tolerance: float = 1e-6

    @property
    def ok(self) -> bool:
        return all(r[3] for r in self.rows)

    def table(self) -> str:
        lines = [f"gradient check: {self.name} (tolerance {self.tolerance:g})"]
        lines.append(f"  {'array':<16} {'rel. error':>12} {'max |num|':>12}  result")
        for key, err, mx, ok in self.rows:
            all_zero = mx <= self.zero_tolerance
            verdict = "ok" if ok else ("ALL-ZERO numeric gradient" if all_zero else "FAIL")
            lines.append(f"  {key:<16} {err:>12.3e} {mx:>12.3e}  {verdict}")
        return "\n".join(lines)

    def assert_ok(self) -> GradCheckResult:
        if not self.ok:
            raise GradientCheckError(self.table())
        return self

    #: a numerical gradient no larger than this is "all zero": central differences of a
    #: function whose gradient is 0 leave only rounding noise (~1e-16 / h ~ 1e-11)
    zero_tolerance: float = 1e-8

    def add(self, key: str, analytic: np.ndarray, numeric: np.ndarray) -> None:
        err = relative_error(analytic, numeric)
        mx = float(np.max(np.abs(numeric))) if np.size(numeric) else 0.0
        self.rows.append((key, err, mx, bool(err < self.tolerance and mx > self.zero_tolerance)))


def check_function(
    name: str,
    forward: Callable[[np.ndarray], np.ndarray],
    backward: Callable[[np.ndarray], np.ndarray],
    x: ArrayLike,
    rng: np.random.Generator,
    tolerance: float = 1e-6,
    h: float = 1e-5,
) -> GradCheckResult:
    """Check ``backward(G) == d sum(forward(x) * G) / dx`` for a random ``G``.

    ``forward(x)`` must return an array; ``backward(G)`` the analytic dL/dx for the
    most recent forward.
    """
    x = np.array(x, dtype=np.float64)
    G = rng.standard_normal(np.shape(forward(x)))
    forward(x)
    analytic = backward(G.copy())
    numeric = numerical_gradient(lambda: np.sum(forward(x) * G), x, h)
    result = GradCheckResult(name, tolerance=tolerance)
    result.add("x", analytic, numeric)
    return result


def check_layer(
    layer: Layer,
    x: ArrayLike,
    rng: np.random.Generator,
    training: bool = True,
    tolerance: float = 1e-6,
    h: float = 1e-5,
    before_forward: Callable[[], object] | None = None,
) -> GradCheckResult:
    """Check a built float64 layer: dL/dx and dL/dparam for every param, L = sum(y*G).

    Args:
        layer: a layer already built with dtype float64.
        x: the input batch (cast to float64).
        rng: a Generator for the random upstream gradient ``G``.
        training: the mode to check (e.g. batch norm in training mode).
        before_forward: an optional callable run before every forward pass, e.g. to
            re-seed a dropout layer so that its mask is the same in every evaluation.
    """
    x = np.array(x, dtype=np.float64)
    prep = before_forward or (lambda: None)

    def loss_value():
        prep()
        return float(np.sum(layer.forward(x, training=training) * G))

    prep()
    G = rng.standard_normal(np.shape(layer.forward(x, training=training)))
    prep()
    layer.forward(x, training=training)
    state_before = {k: v.copy() for k, v in layer.state.items()}
    dx = layer.backward(G.copy())
    analytic = {k: g.copy() for k, g in layer.grads.items()}
    result = GradCheckResult(f"{type(layer).__name__} {layer.name}", tolerance=tolerance)
    result.add("x", dx, numerical_gradient(loss_value, x, h))
    for key, param in layer.params.items():
        result.add(key, analytic[key], numerical_gradient(loss_value, param, h))
    for k, v in state_before.items():  # running statistics must not drift the check
        layer.state[k][...] = v
    return result


def check_loss(
    loss: Loss,
    y_pred: ArrayLike,
    y_true: ArrayLike,
    rng: np.random.Generator | None = None,
    tolerance: float = 1e-6,
    h: float = 1e-6,
    sample_weight: ArrayLike | None = None,
) -> GradCheckResult:
    """Check ``loss.backward()`` against central differences of ``loss.forward``."""
    y_pred = np.array(y_pred, dtype=np.float64)

    def value():
        return loss.forward(y_pred, y_true, sample_weight=sample_weight)

    value()
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numerical_gradient(value, y_pred, h)
    result = GradCheckResult(
        f"loss {getattr(loss, 'name', type(loss).__name__)}", tolerance=tolerance
    )
    result.add("y_pred", analytic, numeric)
    return result


def check_op(
    op: Any,
    inputs: Sequence[ArrayLike],
    rng: np.random.Generator,
    tolerance: float = 1e-6,
    h: float = 1e-5,
) -> GradCheckResult:
    """Check an autodiff operation: ``op.backward(G)[i] == d sum(op.forward(*xs) * G) / dx_i``.

    Args:
        op: an object with ``forward(*arrays)`` and ``backward(dout)`` returning one
            gradient per input (``scratchdl.autodiff.ops``).
        inputs: the input arrays; float ones are cast to float64 and checked, integer
            ones (indices) are passed as they are and not checked.
        rng: a Generator for the random upstream gradient ``G``.
    """
    xs = [np.asarray(x) for x in inputs]
    xs = [np.array(x, dtype=np.float64) if x.dtype.kind == "f" else x for x in xs]
    G = rng.standard_normal(np.shape(op.forward(*xs)))
    op.forward(*xs)
    analytic = [None if g is None else np.array(g, dtype=np.float64) for g in op.backward(G.copy())]
    result = GradCheckResult(f"op {getattr(op, 'name', type(op).__name__)}", tolerance=tolerance)
    for i, x in enumerate(xs):
        if x.dtype.kind != "f":
            continue
        numeric = numerical_gradient(lambda: np.sum(op.forward(*xs) * G), x, h)
        if analytic[i] is None:
            analytic[i] = np.zeros_like(numeric)  # "no gradient" must then really be zero
        result.add(f"x{i}", analytic[i], numeric)
    return result
