"""Action inputs as the runner passes them: ``INPUT_<NAME>`` in the environment (pure).

GitHub upper-cases the input name and keeps its hyphens (``INPUT_FAILURE-THRESHOLD``), which no
shell can read; ``action.yml`` may map them to underscores too. Both the pull-request settings
(``lint.github.settings``) and the size step's (``lint.size.settings``) read inputs here,
and hold secret ones in ``Secret``.
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


class Secret:
    """A string that never shows itself: repr and str are ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


__all__ = ["Secret", "read_input", "split_list"]
