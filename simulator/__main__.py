"""``python -m simulator``: see simulator/cli.py."""
import sys

from .cli import main

sys.exit(main())
