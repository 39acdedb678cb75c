"""New, fixed and existing findings, and which new ones count.

The matching is pure: head and base findings of one file are matched by fingerprint (which
survives the instruction moving and leaves the path out, so renames match). ``filter-mode``,
like reviewdog's, then narrows by changed lines which new findings become annotations and count
for failure:

* ``added`` (default): new findings on added or modified lines;
* ``diff_context``: new findings within a diff hunk, its context lines included;
* ``file``: every new finding (new findings only occur in files this change touched);
* ``nofilter``: every finding, new or not (what a plain hadolint run would fail on).

A new finding about a whole stage or file (on a ``FROM`` line or line 1) counts whatever the
filter, and so does every new finding of a Dockerfile re-linted only because its
``.dockerignore`` or the hadolint configuration changed (the Dockerfile has no changed lines,
but the change caused the finding). SARIF always holds every finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lint.diff import Change, FileLines
from lint.discovery import glob_match, is_dockerfile_name
from lint.dockerfile import Dockerfile
from lint.finding import Finding

#: The hadolint configuration files a change can touch (read at the base too).
CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")


@dataclass(frozen=True)
class FileReport:
    """One Dockerfile's part of the report. ``reason``: why it was compared (``changed``,
    ``dockerignore``, ``config``), ``removed`` for a deleted Dockerfile, ``unchanged`` else."""

    path: str
    reason: str
    new: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    existing: tuple[Finding, ...] = ()
    previous: str | None = None

    @property
    def total(self) -> int:
        return len(self.new) + len(self.existing)


@dataclass(frozen=True)
class Review:
    """The whole report. ``compared``: there was a base to compare with (else every finding is
    reported as new and counts)."""

    files: tuple[FileReport, ...]
    counted: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    compared: bool
    filter_mode: str = "added"
    notes: tuple[str, ...] = field(default=())

    @property
    def new(self) -> list[Finding]:
        return [f for r in self.files for f in r.new]

    @property
    def fixed(self) -> list[Finding]:
        return [f for r in self.files for f in r.fixed]

    @property
    def existing(self) -> list[Finding]:
        return [f for r in self.files for f in r.existing]


def match(
    head: Sequence[Finding], base: Sequence[Finding]
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(new, fixed, existing) for one file, by fingerprint; head order kept.

    A whole-file finding (line 1) is also matched by code and message: its fingerprint is
    anchored to whatever sits on line 1, which a comment added above ``FROM`` changes."""
    base_prints = {f.fingerprint for f in base}
    head_prints = {f.fingerprint for f in head}
    new = [f for f in head if f.fingerprint not in base_prints]
    existing = [f for f in head if f.fingerprint in base_prints]
    fixed = [f for f in base if f.fingerprint not in head_prints]
    spare = Counter((f.code, f.message) for f in fixed if f.line == 1)
    still_new: list[Finding] = []
    for f in new:
        key = (f.code, f.message)
        if f.line == 1 and spare[key] > 0:
            spare[key] -= 1
            existing.append(f)
        else:
            still_new.append(f)
    matched = Counter((f.code, f.message) for f in new if f.line == 1) - Counter(
        (f.code, f.message) for f in still_new if f.line == 1)
    still_fixed: list[Finding] = []
    for f in fixed:
        key = (f.code, f.message)
        if f.line == 1 and matched[key] > 0:
            matched[key] -= 1
        else:
            still_fixed.append(f)
    existing.sort(key=Finding.sort_key)
    return still_new, still_fixed, existing


def whole_scope(finding: Finding, dockerfile: Dockerfile | None) -> bool:
    """Is the finding about a whole file or stage (line 1, or a ``FROM`` line)?"""
    if finding.line <= 1:
        return True
    if dockerfile is None:
        return False
    ins = dockerfile.instruction_at(finding.line)
    return ins is not None and ins.keyword == "FROM" and ins.line == finding.line


def passes(
    finding: Finding,
    mode: str,
    lines: FileLines | None,
    dockerfile: Dockerfile | None,
) -> bool:
    """Does a new finding count under ``mode``, given its file's changed lines?"""
    if mode in ("file", "nofilter") or lines is None or whole_scope(finding, dockerfile):
        return True
    if mode == "diff_context":
        return lines.in_context(finding.line, finding.end_line)
    return lines.in_added(finding.line, finding.end_line)


def review(
    findings: Sequence[Finding],
    dockerfiles: Mapping[str, Dockerfile],
    *,
    affected: Mapping[str, str] | None,
    base: Mapping[str, Sequence[Finding]],
    lines: Mapping[str, FileLines],
    filter_mode: str = "added",
    removed: Mapping[str, Sequence[Finding]] | None = None,
    previous: Mapping[str, str] | None = None,
    always_new: Sequence[Finding] = (),
    notes: Sequence[str] = (),
) -> Review:
    """Build the report.

    ``affected``: Dockerfile -> reason, for a comparison (``None``: nothing to compare with,
    every finding is new and counts). ``base``: base findings of affected files, keyed by the
    head path (absent: the file is new). ``lines``: changed lines of files whose content
    changed. ``removed``: base findings of deleted Dockerfiles. ``always_new``: findings that
    are new and count whatever the filter (size budgets).
    """
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    extra: dict[str, list[Finding]] = {}
    for f in always_new:
        extra.setdefault(f.path, []).append(f)
    paths = sorted(set(by_path) | set(extra) | set(affected or ()))
    files: list[FileReport] = []
    counted: list[Finding] = []
    for path in paths:
        head = by_path.get(path, [])
        if affected is None:
            files.append(FileReport(path, "all", new=tuple(head) + tuple(extra.get(path, ()))))
            counted += head + extra.get(path, [])
            continue
        reason = affected.get(path, "unchanged")
        new: list[Finding]
        fixed: list[Finding]
        if reason == "unchanged":
            new, fixed, existing = [], [], head
        else:
            new, fixed, existing = match(head, base.get(path, ()))
        new += extra.get(path, [])
        mode = "file" if reason in ("dockerignore", "config") else filter_mode
        df = dockerfiles.get(path)
        chosen = [f for f in new
                  if f in extra.get(path, []) or passes(f, mode, lines.get(path), df)]
        counted += (new + existing) if filter_mode == "nofilter" else chosen
        files.append(FileReport(path, reason, tuple(new), tuple(fixed), tuple(existing),
                                (previous or {}).get(path)))
    for path, gone in sorted((removed or {}).items()):
        files.append(FileReport(path, "removed", fixed=tuple(gone)))
    all_findings = tuple(findings) + tuple(always_new)
    return Review(tuple(files), tuple(counted), all_findings, affected is not None,
                  filter_mode, tuple(notes))


# -- relevance ------------------------------------------------------------------------------

def affected_dockerfiles(
    changes: Sequence[Change],
    dockerfiles: Iterable[str],
    config_file: str | None = None,
) -> dict[str, str]:
    """Which Dockerfiles (repository paths) a change set concerns, and why: ``changed`` (the
    file itself), ``dockerignore`` (its ``.dockerignore`` or ``<name>.dockerignore``) or
    ``config`` (the hadolint configuration)."""
    changed = {c.path for c in changes} | {c.previous for c in changes if c.previous}
    configs = {config_file} if config_file else set(CONFIG_NAMES)
    config_changed = bool(changed & configs)
    out: dict[str, str] = {}
    for path in dockerfiles:
        p = PurePosixPath(path)
        parent = "" if str(p.parent) == "." else f"{p.parent}/"
        if path in changed:
            out[path] = "changed"
        elif {f"{parent}.dockerignore", f"{parent}{p.name}.dockerignore"} & changed:
            out[path] = "dockerignore"
        elif config_changed:
            out[path] = "config"
    return out


def removed_dockerfiles(
    changes: Sequence[Change], include: Sequence[str], exclude: Sequence[str]
) -> list[str]:
    """Deleted files that discovery would have linted (a Dockerfile name or an ``include``
    glob, and no ``exclude`` glob): their base findings are fixed. (Changed and added files
    are narrowed by discovery itself: only discovered Dockerfiles are compared.)"""
    return [
        c.path for c in changes
        if c.status == "removed"
        and (is_dockerfile_name(PurePosixPath(c.path).name) or glob_match(c.path, include))
        and not (exclude and glob_match(c.path, exclude))
    ]


__all__ = ["CONFIG_NAMES", "FileReport", "Review", "affected_dockerfiles", "match", "passes",
           "removed_dockerfiles", "review", "whole_scope"]
