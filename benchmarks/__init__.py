"""Performance suite: scratchdl against PyTorch eager and a lean NumPy loop (issue 5)."""
