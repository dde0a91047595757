"""The book's ``ch05/`` modules that other scripts import: ``two_layer_net``, ``layer_naive``."""
