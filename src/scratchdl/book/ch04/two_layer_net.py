"""The book's ``ch04/two_layer_net.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.two_layer_net.Ch04TwoLayerNet``; see docs/book.md.
"""

import os  # noqa: F401 (the book's module namespace offers these to star imports)
import sys  # noqa: F401

from scratchdl.book.common.functions import *  # noqa: F403 (np comes with it, as in the book)
from scratchdl.book.gradient import numerical_gradient  # noqa: F401
from scratchdl.book.two_layer_net import Ch04TwoLayerNet as TwoLayerNet  # noqa: F401
