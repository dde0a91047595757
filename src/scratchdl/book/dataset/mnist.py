"""The book's ``dataset/mnist.py``: the same names (``np``, ``os``, ``pickle``) for ``import *``.

The code is ``scratchdl.book.mnist``; see docs/book.md.
"""

import gzip  # noqa: F401 (the book's module namespace offers these to star imports)
import os.path  # noqa: F401
import pickle  # noqa: F401
import urllib.request  # noqa: F401

import numpy as np  # noqa: F401

from scratchdl.book.mnist import *  # noqa: F403
from scratchdl.book.mnist import _change_one_hot_label  # noqa: F401
