"""``python -m kerasdl`` is the ``kerasdl`` command."""

import sys

from kerasdl.cli import main

sys.exit(main())
