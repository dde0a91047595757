"""The book's ``ch03/``: its scripts import only ``dataset.mnist`` and ``common.functions``.

Nothing in chapter 3 is imported by another script, so the package holds no module.
``neuralnet_mnist.py`` reads the book's pretrained ``sample_weight.pkl``; write one with
``scratchdl book sample-weights`` (docs/book.md, section D).
"""
