"""The book's ``common/util.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.util``; see docs/book.md.
"""

import numpy as np  # noqa: F401 (the book's module namespace offers np to star imports)

from scratchdl.book.util import *  # noqa: F403
