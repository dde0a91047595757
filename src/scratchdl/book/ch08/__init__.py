"""The book's ``ch08/`` modules: ``deep_convnet`` (DeepConvNet)."""
