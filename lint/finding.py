"""The one result type every linter's output is mapped onto.

Everything after the linters (filters, sinks, the PR workflow) speaks only ``Finding``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(enum.Enum):
    """hadolint's four levels, most severe first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    STYLE = "style"

    @property
    def rank(self) -> int:
        """3 for error down to 0 for style: larger is more severe."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Parse a level name as hadolint spells it (case-insensitive)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (allowed: {allowed})") from None


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.STYLE: 0}


def reaches(severity: Severity, threshold: Severity | None) -> bool:
    """Does ``severity`` reach the failure ``threshold`` (``None``: nothing does)?"""
    return threshold is not None and severity.rank >= threshold.rank

#: ``source`` values.
SOURCE_OURS = "dockerfile-review"
SOURCE_HADOLINT = "hadolint"
SOURCE_SHELLCHECK = "shellcheck"


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one Dockerfile.

    ``path`` is POSIX and relative to the repository (or scan) root. Lines are 1-based and
    inclusive; ``column`` is 1-based, ``end_column`` is one past the last character (``None``
    when nothing finer than the line is known). ``fingerprint`` is filled by the engine: it
    survives the instruction moving and tells identical instructions apart.
    """

    path: str
    line: int
    code: str
    severity: Severity
    message: str
    source: str
    end_line: int = 0
    column: int = 1
    end_column: int | None = None
    fingerprint: str = field(default="", compare=False)
    #: Lines of other instructions the finding is about (the COPY a chown rewrites ...).
    related: tuple[int, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)

    def with_(self, **changes: object) -> Finding:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Stable output order: file, line, column, code, message."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape (documented in the README)."""
        return {
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "source": self.source,
            "fingerprint": self.fingerprint,
            **({"related_lines": list(self.related)} if self.related else {}),
        }


def source_for_code(code: str) -> str:
    """Which tool a code belongs to: DC is ours, SC is ShellCheck (through hadolint)."""
    if code.startswith("DC"):
        return SOURCE_OURS
    if code.startswith("SC"):
        return SOURCE_SHELLCHECK
    return SOURCE_HADOLINT
