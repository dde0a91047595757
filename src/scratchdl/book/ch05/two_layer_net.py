"""The book's ``ch05/two_layer_net.py``: ``TwoLayerNet`` is the layer version (Ch05TwoLayerNet)."""

from scratchdl.book.two_layer_net import Ch05TwoLayerNet as TwoLayerNet

__all__ = ["TwoLayerNet"]
