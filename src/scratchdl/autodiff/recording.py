"""What is recording right now: the per-thread list of active tapes and ``record``.

Kept apart from ``tape`` (which holds ``GradientTape``) so that ``tensor`` can record
operations and ``backprop`` can walk them without importing the tape class: the
modules of the autodiff import one way only (recording < tensor, backprop < tape).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from scratchdl.autodiff.ops.base import Op

__all__ = ["Node", "UnconnectedGradients", "record", "active", "flatten"]


class _Recording(threading.local):
    """The tapes recording in this thread (innermost last): a tape sees only the
    operations of the thread that entered it, as in TensorFlow."""

    def __init__(self) -> None:
        self.tapes = []


_local = _Recording()


def active() -> bool:
    """True while a tape records in this thread (the one test an op makes)."""
    return bool(_local.tapes)


@dataclass
class Node:
    """One recorded call: ``output = op.forward(*inputs)``."""

    op: object
    inputs: tuple
    output: object


class UnconnectedGradients:
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def record(op: Op, inputs: tuple[Any, ...], output: Any) -> None:
    """Append ``op`` to every recording tape that tracks one of ``inputs``."""
    for tape in _local.tapes:
        if tape._tracks_any(inputs):
            tape._nodes.append(Node(op, inputs, output))
            tape._ids[id(output)] = output


def _is_float(x) -> bool:
    return np.dtype(x.dtype).kind == "f"


def flatten(structure: Any) -> list:
    """The leaves of a tensor, or of a (nested) list / tuple / dict of tensors."""
    if isinstance(structure, dict):
        return [leaf for v in structure.values() for leaf in flatten(v)]
    if isinstance(structure, (list, tuple)):
        return [leaf for v in structure for leaf in flatten(v)]
    return [structure]
