"""The book's ``ch06/``: its scripts import only ``common.*`` and ``dataset.mnist``.

No chapter-6 file is imported by another script, so the package holds no module.
"""
