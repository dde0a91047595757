"""The book's ``common/layers.py``: see ``scratchdl.book.layers``."""

from scratchdl.book.layers import *  # noqa: F403
from scratchdl.book.layers import __all__  # noqa: F401
