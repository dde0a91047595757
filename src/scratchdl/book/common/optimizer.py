"""The book's ``common/optimizer.py``: see ``scratchdl.book.optimizer``."""

from scratchdl.book.optimizer import *  # noqa: F403
from scratchdl.book.optimizer import __all__  # noqa: F401
