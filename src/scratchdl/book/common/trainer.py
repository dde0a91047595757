"""The book's ``common/trainer.py``: see ``scratchdl.book.trainer``."""

from scratchdl.book.trainer import *  # noqa: F403
from scratchdl.book.trainer import __all__  # noqa: F401
