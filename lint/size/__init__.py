"""Image size deltas against the base branch, layer by layer (issue 5).

The public API the composition root calls: ``SizeSettings.from_env`` and ``run_step``, which
returns a ``SizeReport``. Everything else in this package is the docker edge (``docker``), the
layer reader (``measure``) and pure functions (``align``, ``waste``, ``report``, ``budget``).
"""

from __future__ import annotations

from lint.size.report import SizeReport
from lint.size.settings import SizeSettings
from lint.size.step import run_step

__all__ = ["SizeReport", "SizeSettings", "run_step"]
