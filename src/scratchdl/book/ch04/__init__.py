"""The book's ``ch04/`` modules: ``from scratchdl.book.ch04.two_layer_net import TwoLayerNet``."""
