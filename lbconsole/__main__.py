"""`python -m lbconsole`: the same as the `lbconsole` console script."""

import sys

from lbconsole.cli import main

sys.exit(main())
