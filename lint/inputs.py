"""Action inputs as the runner passes them: ``INPUT_<NAME>`` in the environment (pure).

GitHub upper-cases the input name and keeps its hyphens (``INPUT_FAILURE-THRESHOLD``), which no
shell can read; ``action.yml`` may map them to underscores too. Both the pull-request settings
(``lint.github.settings``) and the size step's (``lint.size.settings``) read inputs here.
"""

from __future__ import annotations

from collections.abc import Mapping


def read_input(env: Mapping[str, str], name: str, default: str = "") -> str:
    """``INPUT_FAILURE_THRESHOLD``, else GitHub's raw ``INPUT_FAILURE-THRESHOLD``, else default."""
    upper = name.upper()
    for key in (f"INPUT_{upper.replace('-', '_')}", f"INPUT_{upper}"):
        value = env.get(key)
        if value is not None and value.strip() != "":
            return value.strip()
    return default


def split_list(value: str) -> tuple[str, ...]:
    """Items separated by commas or newlines, blanks dropped (the usual action-input idiom)."""
    return tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())


__all__ = ["read_input", "split_list"]
