"""The book's ``ch04/`` modules that other scripts import: ``two_layer_net``, ``gradient_2d``
(and ``gradient_1d``)."""
