"""The book's ``dataset/mnist.py``: see ``scratchdl.book.mnist``."""

from scratchdl.book.mnist import *  # noqa: F403
from scratchdl.book.mnist import __all__  # noqa: F401
