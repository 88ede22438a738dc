"""`python -m cli`: the `terugkeer` command."""

import sys

from cli.main import main

sys.exit(main())
