"""`python -m portfolio_plugin.cli`: the `portfolio` command."""

import sys

from . import main

sys.exit(main())
