"""``tf.function`` and ``tf.config.run_functions_eagerly``: pass-throughs.

TensorFlow's ``tf.function`` traces a Python function into a graph to run it
faster; the results are those of running it eagerly.  scratchdl always runs
eagerly, so ``tf.function`` returns the function itself and its options —
which only steer the tracing and compilation — change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["function", "run_functions_eagerly", "functions_run_eagerly"]

_FUNCTION_OPTIONS = {
    "input_signature",
    "autograph",
    "jit_compile",
    "reduce_retracing",
    "experimental_implements",
    "experimental_autograph_options",
    "experimental_attributes",
    "experimental_relax_shapes",
    "experimental_compile",
    "experimental_follow_type_hints",
}
_eager = {"on": False}


def function(func: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``@tf.function`` or ``@tf.function(jit_compile=True)``: returns ``func`` unchanged.

    Only TensorFlow's own option names are accepted (a misspelt one raises).
    """
    unknown = sorted(set(options) - _FUNCTION_OPTIONS)
    if unknown:
        raise TypeError(f"tf.function got unexpected keyword argument(s) {unknown}")
    if func is None:
        return lambda f: f
    if not callable(func):
        raise TypeError(f"tf.function expects a callable, received {type(func).__name__}")
    return func


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Recorded for ``functions_run_eagerly``; scratchdl always runs eagerly."""
    _eager["on"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """The value last given to ``run_functions_eagerly`` (False at start, as TensorFlow)."""
    return _eager["on"]
