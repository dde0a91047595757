"""The book's ``ch08/deep_convnet.py``: ``DeepConvNet`` (see ``scratchdl.book.convnet``)."""

from scratchdl.book.convnet import DeepConvNet

__all__ = ["DeepConvNet"]
