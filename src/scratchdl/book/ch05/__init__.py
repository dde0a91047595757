"""The book's ``ch05/`` modules: ``from scratchdl.book.ch05.two_layer_net import TwoLayerNet``."""
