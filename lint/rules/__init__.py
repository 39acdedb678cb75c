"""The rule registry, listed by hand (no discovery by import side effects).

``RULES`` are the rules whose ``check`` runs on every parsed Dockerfile. ``STAMPED`` are codes
the engine or the size step stamps from what only they know (DC002: the file's size; DC501: a
built image's size): modules with the same constants and documentation, and no ``check``.
``BY_CODE`` holds both, for SARIF and the docs. ``tests/test_registry.py`` proves every module
in this package is listed once and codes are unique.
"""

from __future__ import annotations

from lint.rules import (
    dc001_unparsable,
    dc002_file_too_large,
    dc003_not_linted,
    dc101_missing_user,
    dc102_secret_in_image,
    dc103_ssh_port_exposed,
    dc104_writable_app_code,
    dc105_secret_file_copied,
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
from lint.rules._base import Code, Hit, Rule, RuleContext

RULES: tuple[Rule, ...] = (
    dc001_unparsable,
    dc101_missing_user,
    dc102_secret_in_image,
    dc103_ssh_port_exposed,
    dc104_writable_app_code,
    dc105_secret_file_copied,
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
)

STAMPED: tuple[Code, ...] = (
    dc002_file_too_large,
    dc003_not_linted,
    dc501_image_size_budget,
)

BY_CODE: dict[str, Code] = {code.CODE: code for code in (*RULES, *STAMPED)}
_RULES_BY_CODE: dict[str, Rule] = {rule.CODE: rule for rule in RULES}


def rule(code: str) -> Rule:
    """The rule whose ``check`` runs for ``code`` (``KeyError`` for a stamped or unknown code)."""
    return _RULES_BY_CODE[code]


__all__ = ["BY_CODE", "RULES", "STAMPED", "Code", "Hit", "Rule", "RuleContext", "rule"]
