"""New, fixed and existing findings, and which new ones count.

The matching is pure: a head finding is existing when the same code fires at the
corresponding place of the base (``match``: the instructions of both versions aligned through
their diff, so an edited instruction still is the one it was; stages by their identity; the
path left out, so renames match). ``filter-mode``,
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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lint.diff import Change, FileLines
from lint.discovery import glob_match, is_dockerfile_name
from lint.dockerfile import Dockerfile
from lint.finding import Finding
from lint.identity import align, folded, stage_key

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
    #: A deleted Dockerfile's base findings: gone with the file, not fixed.
    gone: tuple[Finding, ...] = ()

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


ALL_PASSES = ("instruction", "fingerprint", "merged", "stage", "file")


def match(
    head: Sequence[Finding], base: Sequence[Finding],
    head_df: Dockerfile | None = None, base_df: Dockerfile | None = None,
    target: str | None = None, passes: Sequence[str] = ALL_PASSES,
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(new, fixed, existing) for one file; head order kept.

    A head finding is existing when the same code fires at the corresponding place of the
    base, in this order: the same instruction, the two versions' instructions aligned through
    their diff (``lint.identity.align``), so an edited instruction still corresponds to what it
    was, and an instruction the head no longer has is the neighbour it was folded into
    (``lint.identity.folded``); the same fingerprint (an instruction the diff could not pair);
    an instruction of the same keyword and stage that the head no longer has (merged into
    another); the same stage (a
    finding on a ``FROM`` line, by the stage's identity, not its ``FROM`` text); the whole file
    (a finding outside any instruction). Each base finding is used once, so a code that fires
    more often than before is new as often as it fires more. What is left of the base is
    fixed."""
    pool = list(base)
    used = [False] * len(pool)
    state = [False] * len(head)
    aligned = (align(base_df, head_df, target)
               if head_df is not None and base_df is not None else {})
    into = (folded(base_df, head_df, aligned)
            if head_df is not None and base_df is not None else {})

    def place(f: Finding, df: Dockerfile | None, stage_of: bool) -> tuple[str, object]:
        ins = df.instruction_at(f.line) if df is not None else None
        if df is None or ins is None:
            return ("file", None)
        if stage_of:
            if ins.keyword != "FROM" or ins.stage < 0:
                return ("none", None)
            return ("stage", stage_key(df, df.stages[ins.stage], target))
        return ("ins", ins.line)

    def take(key_of_head: Callable[[Finding], object], key_of_base: Callable[[Finding], object]
             ) -> None:
        wanted: dict[tuple[str, object], list[int]] = {}
        for n, f in enumerate(pool):
            if not used[n]:
                k = key_of_base(f)
                if k is not None:
                    wanted.setdefault((f.code, k), []).append(n)
        for n, f in enumerate(head):
            if state[n]:
                continue
            k = key_of_head(f)
            found = wanted.get((f.code, k)) if k is not None else None
            if found:
                used[found.pop(0)] = True
                state[n] = True


    def line_in(df: Dockerfile | None, to: Mapping[int, int] | None = None
                ) -> Callable[[Finding], object]:
        """The line of the finding's instruction in ``df`` (through ``to`` when given)."""
        def key(f: Finding) -> object:
            kind, line = place(f, df, False)
            if kind != "ins" or not isinstance(line, int):
                return None
            return line if to is None else to.get(line)
        return key

    if "instruction" in passes:
        take(line_in(head_df, aligned), line_in(base_df))
        # An instruction the head no longer has lives on in the neighbour it was folded into.
        take(line_in(head_df), line_in(base_df, into))
    if "fingerprint" in passes:
        take(lambda f: f.fingerprint or None, lambda f: f.fingerprint or None)

    kept = set(aligned.values())

    def merged_into(df: Dockerfile | None, removed_only: bool) -> Callable[[Finding], object]:
        """(stage, keyword) of the finding's instruction; for the base only an instruction
        the head no longer has (deleted, or merged into another)."""
        def key(f: Finding) -> object:
            ins = df.instruction_at(f.line) if df is not None else None
            if df is None or ins is None or ins.stage < 0 or (removed_only and ins.line in kept):
                return None
            return (stage_key(df, df.stages[ins.stage], target), ins.keyword.upper())
        return key

    if "merged" in passes:
        # Two RUNs folded into one: the problem of the one that went is still there.
        take(merged_into(head_df, False), merged_into(base_df, True))

    def stage_of(df: Dockerfile | None) -> Callable[[Finding], object]:
        def key(f: Finding) -> object:
            kind, value = place(f, df, True)
            return value if kind == "stage" else None
        return key

    if "stage" in passes:
        take(stage_of(head_df), stage_of(base_df))

    def whole(df: Dockerfile | None) -> Callable[[Finding], object]:
        def key(f: Finding) -> object:
            return "file" if place(f, df, False)[0] == "file" or f.line <= 1 else None
        return key

    if "file" in passes:
        take(whole(head_df), whole(base_df))
    new = [f for n, f in enumerate(head) if not state[n]]
    existing = sorted((f for n, f in enumerate(head) if state[n]), key=Finding.sort_key)
    fixed = [f for n, f in enumerate(pool) if not used[n]]
    return new, fixed, existing


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
    base_dockerfiles: Mapping[str, Dockerfile] | None = None,
    target: str | None = None,
) -> Review:
    """Build the report.

    ``affected``: Dockerfile -> reason, for a comparison (``None``: nothing to compare with,
    every finding is new and counts). ``base``: base findings of affected files, keyed by the
    head path (absent: the file is new). ``lines``: changed lines of files whose content
    changed. ``removed``: base findings of deleted Dockerfiles (reported as gone with the
    file). ``always_new``: findings that are new and count whatever the filter (size budgets).
    ``base_dockerfiles``: the parsed base versions, keyed by head path, and ``target``: the
    stage that ships; with them findings are matched through the instructions' alignment.
    """
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    extra: dict[str, list[Finding]] = {}
    for f in always_new:
        extra.setdefault(f.path, []).append(f)
    paths = sorted(set(by_path) | set(extra) | set(affected or ()))
    bases = base_dockerfiles or {}
    gone = {path: list(items) for path, items in (removed or {}).items()}
    matched: dict[str, tuple[list[Finding], list[Finding], list[Finding]]] = {}
    for path in paths:
        head = by_path.get(path, [])
        reason = "all" if affected is None else affected.get(path, "unchanged")
        if reason in ("all", "unchanged"):
            matched[path] = (list(head), [], []) if reason == "all" else ([], [], list(head))
        else:
            matched[path] = match(head, base.get(path, ()), dockerfiles.get(path),
                                  bases.get(path), target)
    if affected is not None:
        # Instructions moved out of one Dockerfile into a new one (a stage split into its own
        # file): what the other file's base had there is neither fixed there nor new here.
        for path in paths:
            new, fixed, existing = matched[path]
            if path in base or affected.get(path) != "changed" or not new:
                continue
            for other in sorted(set(gone) | (set(base) - {path})):
                pool = gone.get(other) if other in gone else matched.get(other, ([], [], []))[1]
                if not new or not pool or other not in bases:
                    continue
                new, left, moved = match(new, pool, dockerfiles.get(path), bases[other], target,
                                         passes=("instruction", "merged"))
                existing = sorted(existing + moved, key=Finding.sort_key)
                pool[:] = left
            matched[path] = (new, fixed, existing)
    files: list[FileReport] = []
    counted: list[Finding] = []
    for path in paths:
        new, fixed, existing = matched[path]
        new = new + extra.get(path, [])
        if affected is None:
            files.append(FileReport(path, "all", new=tuple(new)))
            counted += new
            continue
        reason = affected.get(path, "unchanged")
        mode = "file" if reason in ("dockerignore", "config") else filter_mode
        df = dockerfiles.get(path)
        chosen = [f for f in new
                  if f in extra.get(path, []) or passes(f, mode, lines.get(path), df)]
        counted += (new + existing) if filter_mode == "nofilter" else chosen
        files.append(FileReport(path, reason, tuple(new), tuple(fixed), tuple(existing),
                                (previous or {}).get(path)))
    for path, items in sorted(gone.items()):
        files.append(FileReport(path, "removed", gone=tuple(items)))
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
