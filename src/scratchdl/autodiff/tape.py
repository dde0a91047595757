"""The tape: a record of the operations run while a ``GradientTape`` is active.

Recording.  While at least one tape is recording, every operation whose inputs
include something the tape tracks (a watched tensor, a trainable float
``Variable`` it has read, or the output of an operation it recorded) is appended
to the tape as a ``Node`` (op, inputs, output).  With no tape active nothing is
recorded: ``apply`` tests one (per-thread) list and goes on.

Backward.  ``gradient`` seeds dL/dtarget = 1 (the gradient of the *sum* of the
target's elements) and walks the nodes in reverse recording order.  An op is
recorded after every op that produced its inputs, so by the time a node is
reached every use of its output has already added its share to dL/doutput:
reverse recording order is a reverse topological order.  Each node calls its
op's ``backward`` and adds the results into its inputs' gradients — a value
used twice receives the sum of both gradients.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from scratchdl.autodiff.backprop import backpropagate
from scratchdl.autodiff.recording import (
    Node,
    UnconnectedGradients,
    _is_float,
    _local,
    flatten,
    record,
)
from scratchdl.autodiff.tensor import Tensor
from scratchdl.variables import Variable

__all__ = ["GradientTape", "Node", "record", "UnconnectedGradients"]


class GradientTape:
    """Records operations for reverse-mode differentiation (``tf.GradientTape``).

    Args:
        persistent: allow more than one ``gradient`` call (the recording is kept
            until the tape is garbage collected).
        watch_accessed_variables: track every trainable float Variable that an
            operation reads while the tape records; if False only ``watch``-ed
            objects are tracked.

    Use::

        with GradientTape() as tape:
            loss = reduce_mean(square(x @ W + b - y))
        dW, db = tape.gradient(loss, [W, b])
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = bool(persistent)
        self._watch_vars = bool(watch_accessed_variables)
        self._nodes: list[Node] = []
        self._ids: dict[int, object] = {}  # id -> object tracked (kept alive: ids stay unique)
        self._used = False
        self._paused = False
        self._entered = False

    # -- the recording window ---------------------------------------------------
    def __enter__(self):
        if self._entered:
            raise RuntimeError("this GradientTape is already recording (nested `with tape`)")
        self._entered = True
        _local.tapes.append(self)
        return self

    def __exit__(self, *exc):
        self._entered = False
        if self in _local.tapes:
            _local.tapes.remove(self)
        return False

    def stop_recording(self) -> _Paused:
        """A context manager inside which this tape records nothing."""
        return _Paused(self)

    def reset(self) -> None:
        """Forget everything recorded so far (the tape stays usable)."""
        self._nodes.clear()
        self._ids.clear()
        self._used = False

    def watch(self, tensor: Any) -> None:
        """Track ``tensor`` (a Tensor or Variable, or a list/tuple/dict of them).

        Integer or boolean tensors cannot carry a gradient: they are not tracked
        and a warning says so (their gradient stays None), as in TensorFlow.
        """
        for t in flatten(tensor):
            if not hasattr(t, "dtype") or not hasattr(t, "shape"):
                raise TypeError(f"watch expects tensors or Variables, received {type(t).__name__}")
            if not _is_float(t):
                warnings.warn(
                    f"The dtype of the watched tensor must be floating (e.g. float32), "
                    f"got {np.dtype(t.dtype).name}",
                    stacklevel=2,
                )
                continue
            self._ids[id(t)] = t

    def watched_variables(self) -> tuple:
        """The Variables this tape tracks, in the order they were first tracked."""
        return tuple(v for v in self._ids.values() if isinstance(v, Variable))

    def _tracks_any(self, inputs) -> bool:
        if self._paused:
            return False
        found = False
        for x in inputs:
            if id(x) in self._ids:
                found = True
            elif self._watch_vars and isinstance(x, Variable) and x.trainable and _is_float(x):
                self._ids[id(x)] = x
                found = True
        return found

    # -- differentiation ----------------------------------------------------------
    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: str = "none",
    ) -> Any:
        """d sum(target) / d source for each source, in the structure of ``sources``.

        Args:
            target: a tensor (non-scalar: the gradient of the sum of its elements),
                or a list of tensors (the gradient of their total).
            sources: a Variable or tensor, or a list/tuple/dict of them.
            output_gradients: dL/dtarget to start from instead of ones (same
                structure as ``target``).
            unconnected_gradients: ``"none"`` (TensorFlow's default: None for a
                source the target does not depend on) or ``"zero"`` (zeros).

        Returns:
            Tensors shaped like the sources, or None where unconnected.
        """
        self._check_can_differentiate()
        mode = _unconnected_mode(unconnected_gradients)
        grads = backpropagate(self, flatten(target), output_gradients)
        if not self._persistent:
            self._used = True
            self._nodes, self._ids = [], {}
        return _restructure(sources, lambda s: _result(grads, s, mode))

    def _check_can_differentiate(self):
        if self._used:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians); create the tape with persistent=True to call "
                "gradient more than once"
            )
        others = [t for t in _local.tapes if t is not self and not t._paused]
        if others:
            raise NotImplementedError(
                "gradient() was called while another GradientTape is recording: "
                "higher-order gradients (a gradient of a gradient) are not supported "
                "by scratchdl's tape; compute the gradient outside the outer tape"
            )


class _Paused:
    def __init__(self, tape: GradientTape) -> None:
        self.tape = tape

    def __enter__(self):
        self.was = self.tape._paused
        self.tape._paused = True
        return self.tape

    def __exit__(self, *exc):
        self.tape._paused = self.was
        return False


def _unconnected_mode(value) -> str:
    mode = getattr(value, "value", value)  # accept an enum-like object with .value
    mode = str(mode).lower()
    if mode not in ("none", "zero"):
        raise ValueError(f"unconnected_gradients must be 'none' or 'zero', received {value!r}")
    return mode


def _restructure(structure, fn):
    """``structure`` with ``fn`` applied to each leaf (list, tuple, dict kept)."""
    if isinstance(structure, dict):
        return {k: _restructure(v, fn) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_restructure(v, fn) for v in structure)
    return fn(structure)


def _result(grads, source, mode):
    if not hasattr(source, "dtype"):
        raise TypeError(
            f"gradient sources must be Variables or tensors, received {type(source).__name__}"
        )
    g = grads.get(id(source)) if _is_float(source) else None
    if g is None:
        if mode == "none":
            return None
        return Tensor(np.zeros(source.shape, dtype=source.dtype))
    return Tensor(np.asarray(g, dtype=source.dtype))
