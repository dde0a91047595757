"""The book's ``common/multi_layer_net.py``: see ``scratchdl.book.multi_layer_net``."""

from scratchdl.book.multi_layer_net import *  # noqa: F403
from scratchdl.book.multi_layer_net import __all__  # noqa: F401
