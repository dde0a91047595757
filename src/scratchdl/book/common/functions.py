"""The book's ``common/functions.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.functions``; see docs/book.md.
"""

import numpy as np  # noqa: F401 (the book's module namespace offers np to star imports)

from scratchdl.book.functions import *  # noqa: F403
