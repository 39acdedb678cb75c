"""Terminal text: one line per finding, ``path:line code severity: message``; colour only
when asked (the CLI asks when stdout is a TTY and ``NO_COLOR`` is unset)."""

from __future__ import annotations

from collections.abc import Sequence

from lint.finding import Finding, Severity

_COLOURS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
    Severity.STYLE: "\033[2m",
}
_RESET = "\033[0m"


def _clean(text: str) -> str:
    # Messages may quote Dockerfile text: never let it move the cursor or recolour the terminal.
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def render(findings: Sequence[Finding], color: bool = False) -> str:
    lines = []
    for f in findings:
        level = f.severity.value
        if color:
            level = f"{_COLOURS[f.severity]}{level}{_RESET}"
        lines.append(f"{_clean(f.path)}:{f.line} {f.code} {level}: {_clean(f.message)}")
    return "".join(line + "\n" for line in lines)
