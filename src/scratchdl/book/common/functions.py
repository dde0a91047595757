"""The book's ``common/functions.py``: see ``scratchdl.book.functions``."""

from scratchdl.book.functions import *  # noqa: F403
from scratchdl.book.functions import __all__  # noqa: F401
