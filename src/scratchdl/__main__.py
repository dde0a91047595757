"""``python -m scratchdl`` runs the command line."""

import sys

from scratchdl.cli import main

sys.exit(main())
