"""``fit``/``evaluate``/``predict`` on a ``tf.data.Dataset`` of batches (as the guides use).

A dataset already makes the batches (``.batch(64)``) and shuffles itself, so an
epoch is one pass over it: ``for x, y in dataset`` (or ``(x, y, sample_weight)``).
With ``steps_per_epoch`` smaller than the dataset, tf.keras 2.x keeps one iterator
across epochs (an epoch continues where the last stopped); otherwise each epoch
iterates the dataset anew — which reshuffles a shuffled one.

Recognised by shape of API (``cardinality`` and ``as_numpy_iterator``), so this
package needs no import of the ``scratchdl.tensorflow`` face.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratchdl.autodiff.tensor import value_of

__all__ = ["is_dataset", "unpack", "DatasetBatches", "check_dataset_args"]


def is_dataset(x: Any) -> bool:
    return hasattr(x, "cardinality") and hasattr(x, "as_numpy_iterator")


def _arrays(structure: Any) -> Any:
    if isinstance(structure, dict):
        return {k: _arrays(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_arrays(v) for v in structure]
    return np.asarray(value_of(structure))


def unpack(element: Any) -> tuple:
    """``(x, y, sample_weight)`` of one dataset element (y and sample_weight may be None)."""
    if isinstance(element, tuple):
        if len(element) not in (1, 2, 3):
            raise ValueError(
                "a dataset for fit/evaluate must yield (x, y) or (x, y, sample_weight), "
                f"received a tuple of {len(element)}"
            )
        parts = [_arrays(e) for e in element] + [None, None]
        return parts[0], parts[1], parts[2]
    return _arrays(element), None, None


def check_dataset_args(y: Any, batch_size: Any, sample_weight: Any, validation_split: Any) -> None:
    """tf.keras refuses these with a dataset (its batches and targets come from it)."""
    if y is not None:
        raise ValueError("`y` argument is not supported when using dataset as input.")
    if batch_size is not None:
        raise ValueError(
            "batch_size must not be given with a dataset: its batches come from .batch(...)"
        )
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when using dataset as input.")
    if validation_split:
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays")


class DatasetBatches:
    """Batches for ``fit``: one iterator per epoch, or one for all with a smaller step count."""

    def __init__(self, dataset: Any, steps_per_epoch: int | None) -> None:
        size = dataset.cardinality()
        if steps_per_epoch is None and size < 0:
            raise ValueError(
                "the dataset has no known length (after .repeat()); give steps_per_epoch"
            )
        self.dataset = dataset
        self.steps = steps_per_epoch or size
        self.recreate = steps_per_epoch is None or steps_per_epoch == size
        self._it = iter(dataset)

    def epoch(self) -> Any:
        """The iterator this epoch draws its batches from."""
        if self.recreate:
            self._it = iter(self.dataset)
        return self._it

    def first(self) -> tuple:
        """The first batch, unpacked (to build the model and its metrics before fit)."""
        for element in self.dataset:
            return unpack(element)
        raise ValueError("the dataset is empty")
