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

``lint_base`` and ``against_base`` are the I/O edge: they write the base versions into a
temporary directory, lint them there and diff them against the checkout.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lint import config as config_mod
from lint.config import Config, ConfigError, Overrides
from lint.discovery import Found
from lint.dockerfile import Dockerfile
from lint.finding import Finding
from lint.github.changes import (
    CONFIG_NAMES,
    BaseView,
    FileLines,
    Git,
    affected_dockerfiles,
    removed_dockerfiles,
)
from lint.run import LintOptions, LintResult, lint_files


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


# -- the I/O edge: lint the base versions ----------------------------------------------------

@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    # hadolint reads .hadolint.yaml from its working directory: the base's, here.
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def lint_base(
    root: Path,
    files: Mapping[str, str],
    overrides: Overrides,
    options: LintOptions,
    env: Mapping[str, str],
    config_file: str | None = None,
) -> tuple[dict[str, list[Finding]], list[str]]:
    """Lint base versions materialised under ``root``. ``files``: head path -> base path;
    ``config_file``: the ``config`` input as a repository path (read at the base too).
    Returns findings keyed by head path, and notes; base files absent under ``root`` are new
    files and get no entry."""
    found = [Found(head, root / base) for head, base in files.items() if (root / base).is_file()]
    if not found:
        return {}, []
    if config_file is not None:
        overrides = replace(overrides, config_file=root / config_file)
    try:
        if config_file is not None and not (root / config_file).is_file():
            overrides = replace(overrides, config_file=None)
        config: Config = config_mod.load(root, env, overrides)
    except ConfigError as exc:
        return {}, [f"base configuration unusable ({exc}); findings are not compared"]
    with _cwd(root):
        result = lint_files(found, config, replace(options, context=None))
    out: dict[str, list[Finding]] = {f.path: [] for f in found}
    for f in result.findings:
        out.setdefault(f.path, []).append(f)
    notes = [f"base: {e}" for e in result.errors]
    return out, notes


@dataclass(frozen=True)
class Where:
    """How to lint the base: the checkout, the lint options of the head run, the ``config``
    input as a repository path, and the discovery globs."""

    workspace: Path
    overrides: Overrides
    options: LintOptions
    env: Mapping[str, str]
    config_path: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def against_base(view: BaseView, head: LintResult, where: Where, filter_mode: str, *,
                 extra: Sequence[Finding] = (), notes: Sequence[str] = ()) -> Review:
    """Lint the base versions of what the change touched (in a temporary directory) and
    build the report. A base that cannot be linted is noted, never fatal."""
    notes = list(notes)
    affected = affected_dockerfiles(view.changes, head.files, where.config_path)
    previous = {c.path: c.previous for c in view.changes if c.previous and c.path in affected}
    status = {c.path: c.status for c in view.changes}
    removed = removed_dockerfiles(view.changes, where.include, where.exclude)
    base_paths = {p: previous.get(p, p) for p in affected if status.get(p) != "added"}
    configs = [where.config_path] if where.config_path else list(CONFIG_NAMES)
    lines: dict[str, FileLines] = {}
    base: dict[str, list[Finding]] = {}
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-base-") as tmp:
        root = Path(tmp)
        try:
            view.materialize([*base_paths.values(), *removed, *configs], root)
            base, base_notes = lint_base(root, {**base_paths, **{p: p for p in removed}},
                                         where.overrides, where.options, where.env,
                                         where.config_path)
            notes += base_notes
            git = Git(where.workspace)
            for path, reason in affected.items():
                if reason == "changed":
                    old = root / base_paths[path] if path in base_paths else None
                    present = old if old is not None and old.is_file() else None
                    lines[path] = git.diff_lines(present, where.workspace / path)
        except Exception as exc:  # the base is a comparison aid: never lose the report
            notes.append(f"could not lint the base: {exc}")
            base = {}
    gone = {p: base.pop(p, []) for p in removed}
    return review(head.findings, head.dockerfiles, affected=affected, base=base, lines=lines,
                  filter_mode=filter_mode, removed=gone, previous=previous, always_new=extra,
                  notes=notes)


__all__ = ["FileReport", "Review", "Where", "against_base", "lint_base", "match", "passes",
           "review", "whole_scope"]
