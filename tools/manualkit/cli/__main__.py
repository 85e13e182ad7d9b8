"""``python -m manualkit.cli``: the same as the ``manual`` command."""
import sys

from manualkit.cli.main import main

sys.exit(main())
