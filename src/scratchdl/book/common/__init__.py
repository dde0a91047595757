"""The book's ``common/`` package: ``from scratchdl.book.common.trainer import Trainer``.

Each module re-exports the matching ``scratchdl.book`` module, so a script written against
the book's code runs after changing only the import prefix (``common.`` ->
``scratchdl.book.common.``).
"""
