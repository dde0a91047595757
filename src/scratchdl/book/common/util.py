"""The book's ``common/util.py``: see ``scratchdl.book.util``."""

from scratchdl.book.util import *  # noqa: F403
from scratchdl.book.util import __all__  # noqa: F401
