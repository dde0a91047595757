"""``tf.data.Dataset`` for in-memory data: slices, shuffle, batch, map, take, skip, repeat.

A Dataset is a recipe: iterating it runs the recipe from the start and yields
elements — a tensor, a tuple or a dict of tensors, in the structure given to
``from_tensor_slices``.  Nothing is copied until iteration, and each pass is a
new iteration (so ``shuffle`` gives a new order every epoch unless told not to).

dtypes are kept (a float64 NumPy array gives float64 tensors; Python floats give
float32), as TensorFlow does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from scratchdl.autodiff.tensor import Tensor, default_array, is_tensor, value_of
from scratchdl.random import next_seed

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class experimental:  # noqa: N801 (TensorFlow's name: tf.data.experimental.AUTOTUNE)
    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE_CARDINALITY
    UNKNOWN_CARDINALITY = UNKNOWN_CARDINALITY


def _map_structure(fn, s):
    """``fn`` applied to each leaf of a tuple / dict structure (a list is a leaf: one
    tensor's values, as in TensorFlow)."""
    if isinstance(s, dict):
        return {k: _map_structure(fn, v) for k, v in s.items()}
    if isinstance(s, tuple):
        return tuple(_map_structure(fn, v) for v in s)
    return fn(s)


def _leaves(s):
    if isinstance(s, dict):
        return [leaf for v in s.values() for leaf in _leaves(v)]
    if isinstance(s, tuple):
        return [leaf for v in s for leaf in _leaves(v)]
    return [s]


class Dataset:
    """A re-iterable stream of elements built from in-memory data.

    Build with ``Dataset.from_tensor_slices``; every method returns a new Dataset.
    ``len(ds)`` is the number of elements when it is known and finite.
    """

    def __init__(self, make_iterator: Callable[[], Iterator[Any]], cardinality: int) -> None:
        self._make_iterator = make_iterator  # a callable returning a fresh iterator
        self._cardinality = int(cardinality)

    # -- sources --------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per index of the first axis of ``tensors`` (an array, or a
        tuple / dict of arrays with a common first dimension)."""
        arrays = _map_structure(_as_array, tensors)
        lengths = {a.shape[0] if a.ndim else None for a in _leaves(arrays)}
        if None in lengths:
            raise ValueError("from_tensor_slices needs arrays with at least one axis")
        if len(lengths) != 1:
            raise ValueError(
                f"from_tensor_slices: all arrays must have the same first dimension, "
                f"received lengths {sorted(lengths)}"
            )
        n = lengths.pop()

        def iterate():
            for i in range(n):
                yield _map_structure(lambda a, i=i: Tensor(a[i]), arrays)

        return Dataset(iterate, n)

    @staticmethod
    def range(*args: int, name: str | None = None) -> Dataset:
        """Like Python's ``range``: int64 scalar elements."""
        r = range(*args)
        return Dataset(lambda: (Tensor(np.int64(i)) for i in r), len(r))

    # -- size -----------------------------------------------------------------------
    def cardinality(self) -> int:
        """The number of elements; ``INFINITE_CARDINALITY`` (-1) after ``repeat()``."""
        return self._cardinality

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality < 0:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __iter__(self):
        return iter(self._make_iterator())

    def as_numpy_iterator(self) -> Iterator[Any]:
        """The elements with every tensor turned into a NumPy array."""
        return (_map_structure(lambda t: value_of(t), e) for e in self)

    # -- transformations ------------------------------------------------------------
    def map(
        self,
        map_func: Callable[..., Any],
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """``map_func`` applied to each element (a tuple element is unpacked into
        arguments).  ``num_parallel_calls`` and ``deterministic`` steer TensorFlow's
        threads; here elements are mapped one by one, in order — the same result."""

        def call(e):
            return map_func(*e) if isinstance(e, tuple) else map_func(e)

        return Dataset(lambda: (call(e) for e in self), self._cardinality)

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Consecutive elements stacked into batches of ``batch_size`` along a new
        first axis; the last batch is smaller unless ``drop_remainder``."""
        batch_size = _positive(batch_size, "batch_size")
        n = self._cardinality
        if n >= 0:
            n = n // batch_size if drop_remainder else -(-n // batch_size)

        def iterate():
            it = iter(self)
            while True:
                chunk = list(itertools.islice(it, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                yield _stack(chunk)

        return Dataset(iterate, n)

    def shuffle(
        self,
        buffer_size: int,
        seed: int | None = None,
        reshuffle_each_iteration: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Elements in random order, drawn from a buffer of ``buffer_size`` elements
        (a buffer at least as large as the dataset gives a full shuffle).

        With ``reshuffle_each_iteration`` None or True each pass has a new order;
        False repeats the first order.  ``seed`` fixes the orders.
        """
        buffer_size = _positive(buffer_size, "buffer_size")
        base = next_seed() if seed is None else int(seed)
        reshuffle = reshuffle_each_iteration is None or bool(reshuffle_each_iteration)
        passes = itertools.count()

        def iterate():
            k = next(passes) if reshuffle else 0
            return _buffer_shuffle(iter(self), buffer_size, np.random.default_rng([base, k]))

        return Dataset(iterate, self._cardinality)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first ``count`` elements (-1: all of them)."""
        count = int(count)
        if count < 0:
            return self
        n = count if self._cardinality == INFINITE_CARDINALITY else self._cardinality
        n = min(count, n) if n >= 0 else UNKNOWN_CARDINALITY
        return Dataset(lambda: itertools.islice(iter(self), count), n)

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (-1: skip everything)."""
        count = int(count)
        n = self._cardinality
        if count < 0:
            return Dataset(lambda: iter(()), 0)
        if n >= 0:
            n = max(n - count, 0)
        return Dataset(lambda: itertools.islice(iter(self), count, None), n)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The elements ``count`` times over (None or -1: forever)."""
        forever = count is None or int(count) < 0
        n = INFINITE_CARDINALITY if forever and self._cardinality != 0 else self._cardinality
        if not forever:
            n = n * int(count) if n >= 0 else n

        def iterate():
            rounds = itertools.count() if forever else range(int(count))
            for _ in rounds:
                yield from self

        return Dataset(iterate, 0 if self._cardinality == 0 else n)

    def prefetch(self, buffer_size: int, name: str | None = None) -> Dataset:
        """TensorFlow prepares batches ahead in the background; the elements are the
        same, so this returns the dataset as it is."""
        return self

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """In-memory data is already cached: returns the dataset.  A file cache
        (``filename``) is not supported."""
        if filename:
            raise NotImplementedError(
                f"Dataset.cache(filename={filename!r}): only the in-memory cache is supported"
            )
        return self


def _as_array(a):
    return value_of(a) if is_tensor(a) else default_array(a)


def _positive(value, what):
    value = int(value)
    if value <= 0:
        raise ValueError(f"{what} must be a positive integer, received {what}={value}")
    return value


def _stack(elements):
    first = elements[0]
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    if isinstance(first, tuple):
        return tuple(_stack([e[i] for e in elements]) for i in range(len(first)))
    return Tensor(np.stack([value_of(e) if is_tensor(e) else np.asarray(e) for e in elements]))


def _buffer_shuffle(it, buffer_size, rng):
    """TensorFlow's shuffle: keep a buffer; emit a random slot and refill it."""
    buffer = list(itertools.islice(it, buffer_size))
    for e in it:
        i = int(rng.integers(len(buffer)))
        yield buffer[i]
        buffer[i] = e
    rng.shuffle(buffer)
    yield from buffer
