"""``python -m benchmarks``: every workload, every implementation, one process each.

Writes benchmarks/RESULTS.md (or --out) with seconds per epoch (min and median of
the repeats), scratchdl's speed-up over PyTorch eager and its ratio to the lean
NumPy loop, the GEMM floor, predict time, peak memory and a profile of one W1 epoch.
"""

from __future__ import annotations

import sys

from benchmarks.suite import main

sys.exit(main())
