"""The rule registry, listed by hand (no discovery by import side effects).

``tests/test_registry.py`` proves every module in this package is listed and codes are unique.
"""

from __future__ import annotations

from lint.rules import (
    dc001_unparsable,
    dc002_file_too_large,
    dc101_missing_user,
    dc102_secret_in_image,
    dc103_ssh_port_exposed,
    dc104_writable_app_code,
    dc201_full_base_image,
    dc202_chown_copy_layer,
    dc203_build_tools_in_final_stage,
    dc204_cleanup_in_later_layer,
    dc301_base_image_not_pinned,
    dc302_source_before_dependencies,
    dc303_broad_copy,
    dc304_dockerignore_missing,
    dc401_missing_healthcheck,
    dc402_python_env_missing,
    dc501_image_size_budget,
)
from lint.rules._base import Hit, Rule, RuleContext

RULES: tuple[Rule, ...] = (
    dc001_unparsable,
    dc002_file_too_large,
    dc101_missing_user,
    dc102_secret_in_image,
    dc103_ssh_port_exposed,
    dc104_writable_app_code,
    dc201_full_base_image,
    dc202_chown_copy_layer,
    dc203_build_tools_in_final_stage,
    dc204_cleanup_in_later_layer,
    dc301_base_image_not_pinned,
    dc302_source_before_dependencies,
    dc303_broad_copy,
    dc304_dockerignore_missing,
    dc401_missing_healthcheck,
    dc402_python_env_missing,
    dc501_image_size_budget,
)

BY_CODE: dict[str, Rule] = {rule.CODE: rule for rule in RULES}

__all__ = ["BY_CODE", "RULES", "Hit", "Rule", "RuleContext"]
