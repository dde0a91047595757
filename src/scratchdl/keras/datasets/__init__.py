"""``keras.datasets``: MNIST and Fashion-MNIST from scratchdl's verified loader."""

from scratchdl.keras.datasets import fashion_mnist, mnist

__all__ = ["mnist", "fashion_mnist"]
