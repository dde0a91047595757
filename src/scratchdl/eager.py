"""``EagerTensor``: what calling a layer, a model or a loss returns.

TensorFlow code reads results with ``.numpy()`` (``model(x[:1]).numpy()``,
``loss_fn(y, p).numpy()``) and also hands them to NumPy directly.  An
``EagerTensor`` is an ``np.ndarray`` subclass that adds ``numpy()``, so both work:
every NumPy function accepts it, arithmetic keeps it an EagerTensor, and
``numpy()`` gives the plain array (the same memory, as TensorFlow's CPU tensors do).

Why a subclass and not a wrapper: the outputs of ``layer(x)`` feed straight into
NumPy code (``np.argmax(model(x), -1)``, ``plt.imshow(layer(x)[0])``); a subclass
costs one ``view`` per call and needs no conversion anywhere.  Inside the engine
(``fit``, ``predict``) plain arrays flow; only the public calls wrap their result.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["EagerTensor", "as_eager"]


class EagerTensor(np.ndarray):
    """An ndarray that also answers ``.numpy()`` (TensorFlow's eager-tensor method)."""

    def numpy(self) -> np.ndarray | np.generic:
        """The value as a plain NumPy array (a NumPy scalar for a 0-d tensor)."""
        plain = self.view(np.ndarray)
        return plain[()] if plain.ndim == 0 else plain

    def __repr__(self) -> str:
        plain = self.view(np.ndarray)
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={plain!r}>"


def as_eager(value: ArrayLike) -> EagerTensor:
    """``value`` (an array or a number) as an EagerTensor, without copying arrays."""
    return np.asarray(value).view(EagerTensor)
