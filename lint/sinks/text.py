"""Terminal text: one line per finding, ``path:line code severity: message``; colour only
when asked (the CLI asks when stdout is a TTY and ``NO_COLOR`` is unset).

Paths and messages can quote Dockerfile text, which can hold escape sequences: every
non-printable character (controls, ESC, bidi overrides) is shown as its Python escape
(``\\x1b``), so the output can never move the cursor, recolour or hide text.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.catalog import help_uri
from lint.finding import Finding, Severity

_COLOURS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
    Severity.STYLE: "\033[2m",
}
_RESET = "\033[0m"


def clean(text: str) -> str:
    """``text`` with every non-printable character replaced by its visible escape."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def render(findings: Sequence[Finding], color: bool = False) -> str:
    lines = []
    for f in findings:
        level = f.severity.value
        if color:
            level = f"{_COLOURS[f.severity]}{level}{_RESET}"
        docs = f" ({help_uri(f.code)})" if f.code.startswith("DC") else ""
        lines.append(f"{clean(f.path)}:{f.line} {f.code} {level}: {clean(f.message)}{docs}")
    return "".join(line + "\n" for line in lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def summary(findings: Sequence[Finding], files: int) -> str:
    """The closing line of the terminal report: how many findings of each severity, in how
    many files linted."""
    if not findings:
        return f"no findings in {_count(files, 'file')}\n"
    by = ", ".join(f"{sum(f.severity is s for f in findings)} {s.value}" for s in Severity)
    return f"{_count(len(findings), 'finding')} ({by}) in {_count(files, 'file')}\n"
