"""The book's ``ch07/`` modules: ``simple_convnet`` (SimpleConvNet)."""
