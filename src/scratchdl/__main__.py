"""``python -m scratchdl`` runs the command line."""

import sys

from scratchdl.lab.cli import main

sys.exit(main())
