"""The book's ``common/multi_layer_net_extend.py``: the same names (``np`` ...) for ``import *``.

The code is ``scratchdl.book.multi_layer_net_extend``; see docs/book.md.
"""

import os  # noqa: F401 (the book's module namespace offers these to star imports)
import sys  # noqa: F401
from collections import OrderedDict  # noqa: F401

import numpy as np  # noqa: F401

from scratchdl.book.common.layers import *  # noqa: F403
from scratchdl.book.gradient import numerical_gradient  # noqa: F401
from scratchdl.book.multi_layer_net_extend import MultiLayerNetExtend  # noqa: F401
