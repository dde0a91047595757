"""The book's ``ch05/two_layer_net.py``: the same names (``np`` included) for ``import *``.

The code is ``scratchdl.book.two_layer_net.Ch05TwoLayerNet``; see docs/book.md.
"""

import os  # noqa: F401 (the book's module namespace offers these to star imports)
import sys  # noqa: F401
from collections import OrderedDict  # noqa: F401

import numpy as np  # noqa: F401

from scratchdl.book.common.layers import *  # noqa: F403
from scratchdl.book.gradient import numerical_gradient  # noqa: F401
from scratchdl.book.two_layer_net import Ch05TwoLayerNet as TwoLayerNet  # noqa: F401
