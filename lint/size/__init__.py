"""Image size deltas against the base branch, layer by layer (issue 5).

The public API the composition root calls: ``SizeSettings.from_env`` and ``run_step``, which
returns a ``SizeReport``. Everything else in this package is the docker edge (``docker``), the
layer reader (``measure``) and pure functions (``align``, ``waste``, ``report``, ``budget``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lint.size.report import SizeReport
    from lint.size.settings import SizeSettings
    from lint.size.step import run_step

__all__ = ["SizeReport", "SizeSettings", "run_step"]

#: Imported when first asked for: a lint-only run (the CLI, the pre-commit hook) imports the
#: package for its pure parts (``budget``, ``report``) and must not pay for the docker edge and
#: the registry client (requests) on every start.
_LAZY = {"SizeReport": "lint.size.report", "SizeSettings": "lint.size.settings",
         "run_step": "lint.size.step"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
