"""The flat parameter store: every trainable array of a model lives in one buffer.

Why: a small MLP spends most of a training step in Python call overhead, not in
arithmetic.  With one contiguous buffer ``data`` for all trainable parameters and
one ``grad`` for their gradients, an optimizer updates the whole model with a
handful of vectorised NumPy calls, however many layers the model has.

How: each layer builds its parameters as ordinary arrays (``layer.params``).
``ParamStore.bind(layers)`` then allocates ``data`` and ``grad``, copies every
parameter in, and replaces each ``layer.params[key]`` / ``layer.grads[key]`` by a
*view* into the buffers.  Layers keep reading and writing their dicts as before;
``layer.params["kernel"] -= 1`` changes ``store.data`` because it is the same memory.

Layout::

    data = [ dense/kernel (784*50) | dense/bias (50) | dense_1/kernel ... ]
    grad = same layout

Each tensor is addressed by its path ``"<layer name>/<key>"`` (never by ``id()``),
so optimizer state saved to disk can be matched to parameters by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ParamStore", "TensorInfo"]


@dataclass
class TensorInfo:
    """Where one parameter tensor sits in the flat buffers.

    Attributes:
        path: ``"<layer name>/<key>"``, e.g. ``"dense_1/kernel"``.
        layer: the layer that owns the tensor.
        key: the key in ``layer.params`` / ``layer.grads``.
        start, stop: the slice of the flat buffers holding it.
        shape: the tensor's shape.
    """

    path: str
    layer: object
    key: str
    start: int
    stop: int
    shape: tuple

    @property
    def size(self) -> int:
        return self.stop - self.start


class ParamStore:
    """One flat buffer of trainable parameters (``data``) and one of gradients (``grad``).

    Args:
        dtype: the floating dtype of both buffers (float32 unless asked otherwise).

    After ``bind``, ``tensors`` lists a ``TensorInfo`` per trainable tensor in layer
    order, ``offsets`` holds their start indices (for ``np.add.reduceat``), and
    ``view(path)`` / ``grad_view(path)`` return the reshaped views.
    """

    def __init__(self, dtype=np.float32):
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

    def bind(self, layers) -> ParamStore:
        """Move the trainable parameters of ``layers`` into the flat buffers.

        Layers whose ``trainable`` is False keep their own arrays (and their own
        gradient arrays, which backward still writes but no optimizer reads).
        Returns ``self`` for chaining.
        """
        entries = []
        total = 0
        for layer in layers:
            if not getattr(layer, "trainable", True):
                continue
            for key, value in layer.params.items():
                n = int(np.prod(value.shape, dtype=np.int64))
                path = f"{layer.name}/{key}"
                entries.append(TensorInfo(path, layer, key, total, total + n, tuple(value.shape)))
                total += n
        data = np.empty(total, dtype=self.dtype)
        grad = np.zeros(total, dtype=self.dtype)
        for info in entries:
            src = info.layer.params[info.key]
            data[info.start : info.stop] = np.asarray(src, dtype=self.dtype).ravel()
            info.layer.params[info.key] = data[info.start : info.stop].reshape(info.shape)
            info.layer.grads[info.key] = grad[info.start : info.stop].reshape(info.shape)
        self.data, self.grad, self.tensors = data, grad, entries
        self._by_path = {t.path: t for t in entries}
        self.offsets = np.array([t.start for t in entries], dtype=np.intp)
        return self

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

    def mask(self, predicate) -> np.ndarray | None:
        """A flat boolean mask that is True on tensors where ``predicate(info)`` holds.

        Returns None when the predicate holds everywhere (no masking needed).
        """
        m = np.zeros(self.size, dtype=bool)
        for t in self.tensors:
            if predicate(t):
                m[t.start : t.stop] = True
        return None if m.all() else m
