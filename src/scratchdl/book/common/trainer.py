"""The book's ``common/trainer.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.trainer``; see docs/book.md.
"""

import os  # noqa: F401 (the book's module namespace offers these to star imports)
import sys  # noqa: F401

import numpy as np  # noqa: F401

from scratchdl.book.common.optimizer import *  # noqa: F403
from scratchdl.book.trainer import Trainer  # noqa: F401
