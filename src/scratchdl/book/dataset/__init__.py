"""The book's ``dataset/`` package: ``from scratchdl.book.dataset.mnist import load_mnist``."""
