"""GitHub workflow-command annotations: ``::error file=...,line=...::message``.

GitHub keeps at most 10 annotations of each level per step
(https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands), so the
most severe findings go first, at most 10 errors, 10 warnings and 9 notices; when anything was
cut, one last notice says how many findings are only in the SARIF file and the job summary.
info and style findings become notices. Every value passes through ``escape``, the one place
that knows the runner's escaping rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.catalog import help_uri
from lint.finding import Finding, Severity

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
}

_DATA = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY = {**_DATA, ":": "%3A", ",": "%2C"}


def escape(value: str, *, prop: bool) -> str:
    """Escape message data (``%``, CR, LF) or, with ``prop``, a property value (also ``:``
    and ``,``), as the runner's ``ActionCommand`` unescapes them."""
    table = _PROPERTY if prop else _DATA
    return "".join(table.get(ch, ch) for ch in value)


def command(name: str, message: str, properties: Sequence[tuple[str, str | int]] = ()) -> str:
    """One workflow command line (without the newline)."""
    props = ",".join(f"{key}={escape(str(value), prop=True)}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape(message, prop=False)}"


def annotation(finding: Finding) -> str:
    """The annotation for one finding; columns only when the finding is on one line (GitHub
    ignores them across lines)."""
    props: list[tuple[str, str | int]] = [
        ("file", finding.path),
        ("line", finding.line),
        ("endLine", finding.end_line),
    ]
    if finding.end_line == finding.line:
        props.append(("col", finding.column))
        if finding.end_column is not None:
            props.append(("endColumn", finding.end_column))
    props.append(("title", f"{finding.code} ({finding.source})"))
    docs = f" ({help_uri(finding.code)})" if finding.code.startswith("DC") else ""
    return command(COMMANDS[finding.severity], finding.message + docs, props)


def render(
    findings: Sequence[Finding],
    *,
    max_errors: int = 10,
    max_warnings: int = 10,
    max_notices: int = 9,
) -> list[str]:
    """Annotation lines, most severe first, within GitHub's per-level limits."""
    limits = {"error": max_errors, "warning": max_warnings, "notice": max_notices}
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))
    used = dict.fromkeys(limits, 0)
    lines: list[str] = []
    for finding in ordered:
        level = COMMANDS[finding.severity]
        if used[level] < limits[level]:
            used[level] += 1
            lines.append(annotation(finding))
    cut = len(ordered) - len(lines)
    if cut:
        noun = "finding is" if cut == 1 else "findings are"
        lines.append(command(
            "notice",
            f"{cut} more {noun} not shown as annotations (GitHub keeps 10 per level): "
            "see the SARIF file and the job summary.",
            [("title", "dockerfile-review")],
        ))
    return lines
