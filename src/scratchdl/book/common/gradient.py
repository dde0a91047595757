"""The book's ``common/gradient.py``: see ``scratchdl.book.gradient``."""

from scratchdl.book.gradient import *  # noqa: F403
from scratchdl.book.gradient import __all__  # noqa: F401
