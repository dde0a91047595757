"""The book's ``ch05/layer_naive.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.layers``; see docs/book.md.
"""

from scratchdl.book.layers import AddLayer, MulLayer  # noqa: F401
