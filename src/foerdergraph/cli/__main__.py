"""`python -m foerdergraph.cli`."""

import sys

from foerdergraph.cli import main

sys.exit(main())
