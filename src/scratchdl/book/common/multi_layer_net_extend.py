"""The book's ``common/multi_layer_net_extend.py``: see scratchdl.book.multi_layer_net_extend."""

from scratchdl.book.multi_layer_net_extend import *  # noqa: F403
from scratchdl.book.multi_layer_net_extend import __all__  # noqa: F401
