"""Models: the Sequential container, its loops, callbacks, progress bar, summary and saving.

This package sits above the engine (layers, losses, optimizers, variables) and below the
faces (``scratchdl.keras``, ``scratchdl.book``) and the lab.  It imports only downward.
"""
