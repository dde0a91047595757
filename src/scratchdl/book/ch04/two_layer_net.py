"""The book's ``ch04/two_layer_net.py``: ``TwoLayerNet`` is Ch04TwoLayerNet (sigmoid)."""

from scratchdl.book.two_layer_net import Ch04TwoLayerNet as TwoLayerNet

__all__ = ["TwoLayerNet"]
