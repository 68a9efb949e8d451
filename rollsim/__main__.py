"""``python -m rollsim``: the command line."""

import sys

from rollsim.cli import main

sys.exit(main())
