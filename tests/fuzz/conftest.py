"""Hypothesis profiles for the fuzz suite (see ``tests/fuzz/__init__.py``)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# No "explain" phase in CI: it re-runs a failing example many times and writes patch files.
_CI_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)

settings.register_profile(
    "ci", derandomize=True, max_examples=50,
    deadline=None, database=None, print_blob=True, phases=_CI_PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "long", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")), deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
