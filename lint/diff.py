"""Changed files and changed lines: the pure reading of what git (or the REST API) says.

``Change`` is one changed file; ``FileLines`` the changed lines of one file on the new side.
``parse_name_status`` and ``parse_unified`` read git's own output formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One changed file. ``status``: added, modified, removed, renamed (``previous`` set)."""

    path: str
    status: str
    previous: str | None = None


Span = tuple[int, int]


@dataclass(frozen=True)
class FileLines:
    """Changed lines of one file, on the new side: ``added`` lines, and the hunks with their
    context (what ``diff_context`` accepts). ``whole``: every line counts (a new file)."""

    added: tuple[Span, ...] = ()
    context: tuple[Span, ...] = ()
    whole: bool = False

    def in_added(self, start: int, end: int) -> bool:
        return self.whole or _overlaps(self.added, start, end)

    def in_context(self, start: int, end: int) -> bool:
        return self.whole or _overlaps(self.context, start, end)


def _overlaps(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(a <= end and start <= b for a, b in spans)


_STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "added",
           "T": "modified"}


def parse_name_status(output: str) -> list[Change]:
    """``git diff --name-status -z -M`` output (NUL-separated) to changes."""
    parts = output.split("\0")
    out: list[Change] = []
    i = 0
    while i < len(parts) and parts[i]:
        code = parts[i][0]
        if code in "RC":
            old, new = parts[i + 1], parts[i + 2]
            i += 3
            out.append(Change(new, _STATUS[code], old if code == "R" else None))
        else:
            out.append(Change(parts[i + 1], _STATUS.get(code, "modified")))
            i += 2
    return out


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _spans(lines: Iterable[int]) -> tuple[Span, ...]:
    out: list[list[int]] = []
    for n in sorted(set(lines)):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return tuple((a, b) for a, b in out)


def parse_unified(diff: str) -> FileLines:
    """Changed lines from one file's unified diff: ``+`` lines are added; each hunk's new-side
    range (its context lines included) is context. A pure deletion marks the line after it as
    context, so a finding where lines vanished is still "in the diff context"."""
    added: list[int] = []
    context: list[Span] = []
    new_line = 0
    in_hunk = False
    for line in diff.splitlines():
        match = _HUNK.match(line)
        if match:
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            context.append((max(start, 1), max(start + count - 1, start, 1)))
            new_line = start
            in_hunk = True
            continue
        if not in_hunk:
            continue
        if line.startswith("+"):
            added.append(new_line)
            new_line += 1
        elif line.startswith(" "):
            new_line += 1
    return FileLines(added=_spans(added), context=tuple(sorted(set(context))))
