"""The book's ``common/util.py``: shuffle_dataset, smooth_curve, conv_output_size.

    from scratchdl.book.util import shuffle_dataset, smooth_curve

Randomness: the book draws from NumPy's global state (``np.random.permutation``,
``np.random.randn``) and never seeds it.  Every random function of ``scratchdl.book``
takes an optional ``rng`` (an ``np.random.Generator`` or an int seed).  Without one,
``get_rng()`` derives a fresh Generator from the global state
(``np.random.default_rng(np.random.randint(2**31))``), so ``np.random.seed(0)`` at the top
of a student's script makes the whole run repeatable, as it would with the book's code.
"""

import numpy as np
from numpy.typing import ArrayLike as _ArrayLike

from scratchdl.datasets import utils as _data_utils

# No __all__: ``from ... import *`` gives every public name (np included), as the book's.

SMOOTH_WINDOW = 11  # the book's Kaiser window length
SMOOTH_BETA = 2  # and its beta


def get_rng(rng: np.random.Generator | int | None = None) -> np.random.Generator:
    """A Generator: ``rng`` itself, ``default_rng(rng)`` for an int, else one seeded from np.random.

    Convention: the fallback consumes one draw of NumPy's global state, so a script that calls
    ``np.random.seed(...)`` first is repeatable (the book relies on the global state directly).
    """
    if rng is None:
        return np.random.default_rng(np.random.randint(2**31))
    return _data_utils.as_generator(rng)


def shuffle_dataset(
    x: np.ndarray, t: np.ndarray, rng: np.random.Generator | int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Permute ``x`` and ``t`` together along axis 0 (2-D or 4-D ``x``, labels or one-hot ``t``).

    Returns new arrays ``(x[p], t[p])`` for one random permutation ``p``.
    Convention: the book uses ``np.random.permutation``; here ``rng`` (default: see get_rng).
    """
    return _data_utils.shuffle_dataset(x, t, rng=get_rng(rng))


def smooth_curve(x: _ArrayLike) -> np.ndarray:
    """Smooth a loss curve with the book's normalised Kaiser window (length 11, beta 2).

    Forward::

        s = [x[5], ..., x[1]] + x + [x[-1], ..., x[-5]]     (padding of 5 per side)
        y[i] = sum_k w[k] * s[i + k] / sum(w)              w = kaiser(11, 2), k = 0..10

    Shapes: x (n,) with n >= 11 -> y (n,), the same length.

    Convention: exactly the book's output.  Its padding mirrors the left end *without*
    repeating x[0] ("reflect") and the right end *with* x[-1] ("symmetric").
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size < SMOOTH_WINDOW:
        raise ValueError(
            f"smooth_curve needs at least {SMOOTH_WINDOW} values, received {x.size} values"
        )
    half = SMOOTH_WINDOW // 2
    s = np.concatenate([x[half:0:-1], x, x[: -half - 1 : -1]])
    w = np.kaiser(SMOOTH_WINDOW, SMOOTH_BETA)
    return np.convolve(s, w / w.sum(), mode="valid")


def conv_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0) -> float:
    """``(input_size + 2*pad - filter_size) / stride + 1`` (float division, as in the book)."""
    return (input_size + 2 * pad - filter_size) / stride + 1


# chapter 7 (issue 17): the book's im2col / col2im are the engine's functions
from scratchdl.layers.im2col import col2im, im2col  # noqa: E402, F401 (star-imported)
