"""The book's ``common/optimizer.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.optimizer``; see docs/book.md.
"""

import numpy as np  # noqa: F401 (the book's module offers np to star imports)

from scratchdl.book.optimizer import *  # noqa: F403
