"""The book's ``ch07/simple_convnet.py``: ``SimpleConvNet`` (see ``scratchdl.book.convnet``)."""

from scratchdl.book.convnet import SimpleConvNet

__all__ = ["SimpleConvNet"]
