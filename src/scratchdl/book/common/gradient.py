"""The book's ``common/gradient.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.gradient``; see docs/book.md.
"""

import numpy as np  # noqa: F401 (the book's module namespace offers np to star imports)

from scratchdl.book.gradient import (
    _numerical_gradient_1d,  # noqa: F401
    numerical_gradient,  # noqa: F401
    numerical_gradient_2d,  # noqa: F401
)
