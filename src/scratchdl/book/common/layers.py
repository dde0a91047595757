"""The book's ``common/layers.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.layers``; see docs/book.md.
"""

import numpy as np  # noqa: F401 (the book's module namespace offers np to star imports)

from scratchdl.book.functions import *  # noqa: F403 (the book's layers.py does the same)
from scratchdl.book.layers import *  # noqa: F403
