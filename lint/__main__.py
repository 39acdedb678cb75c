"""``python -m lint``: see ``lint.cli``."""

from __future__ import annotations

import sys

from lint.cli import main

sys.exit(main())
