"""The book's ``ch05/layer_naive.py``: MulLayer and AddLayer (from ``scratchdl.book.layers``)."""

from scratchdl.book.layers import AddLayer, MulLayer

__all__ = ["MulLayer", "AddLayer"]
