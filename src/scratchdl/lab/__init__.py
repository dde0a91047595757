"""The lab: the ``scratchdl`` command line, the experiments, hyper-parameter search, the web demo.

The top of the architecture: it may import everything below it; nothing below imports it.
"""
