"""``python -m kerasdl`` is the ``kerasdl`` command."""

import sys

from kerasdl.cli import main

if __name__ == "__main__":
    sys.exit(main())
