"""Lint the base versions of what a change touched and build the review.

The I/O edge of the comparison: the base versions are written into a temporary directory
(``lint.github.changes``), linted there like the head, their changed lines read with git, and
the pure ``lint.review.review`` decides new, fixed and existing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from lint import config as config_mod
from lint.config import Config, ConfigError, Overrides
from lint.diff import FileLines
from lint.discovery import Found
from lint.dockerfile import Dockerfile
from lint.finding import Finding
from lint.git import Git
from lint.github.changes import BaseView, inside
from lint.review import CONFIG_NAMES, Review, affected_dockerfiles, removed_dockerfiles, review
from lint.run import LintOptions, LintResult, lint_files


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """Run the block in ``path``: hadolint reads .hadolint.yaml from its working directory
    (the workspace for the head, the base tree for the base)."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@dataclass
class BaseLint:
    """The base versions' findings and parsed files (keyed by head path), and notes."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    dockerfiles: dict[str, Dockerfile] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def mirror_git_dirs(workspace: Path, root: Path, dockerfiles: Sequence[str]) -> None:
    """Give the base tree a ``.git`` wherever the checkout has one in a Dockerfile's folder (its
    default build context): ``git archive`` leaves it out, and context rules must see the same
    kind of tree on both sides."""
    for path in dockerfiles:
        folder = PurePosixPath(path).parent
        if (workspace / folder / ".git").exists() and (root / folder).is_dir():
            (root / folder / ".git").mkdir(exist_ok=True)


def lint_base(
    root: Path,
    files: Mapping[str, str],
    overrides: Overrides,
    options: LintOptions,
    env: Mapping[str, str],
    config_file: str | None = None,
) -> BaseLint:
    """Lint base versions materialised under ``root``. ``files``: head path -> base path;
    ``config_file``: the ``config`` input as a repository path (read at the base too).
    Findings and parsed files are keyed by head path; base files absent under ``root`` are
    new files and get no entry."""
    # A path from the REST API (a renamed file's previous name) is confined to ``root``.
    found = [Found(head, root / base) for head, base in files.items()
             if inside(root, root / base) and (root / base).is_file()]
    if not found:
        return BaseLint()
    if config_file is not None:
        overrides = replace(overrides, config_file=root / config_file)
    try:
        if config_file is not None and not (root / config_file).is_file():
            overrides = replace(overrides, config_file=None)
        config: Config = config_mod.load(root, env, overrides, confine=root)
    except ConfigError as exc:
        return BaseLint(notes=[f"base configuration unusable ({exc}); findings are not "
                               "compared"])
    with working_directory(root):
        result = lint_files(found, config, replace(options, context=None))
    out: dict[str, list[Finding]] = {f.path: [] for f in found}
    for f in result.findings:
        out.setdefault(f.path, []).append(f)
    return BaseLint(out, dict(result.dockerfiles), [f"base: {e}" for e in result.errors])


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
    base = BaseLint()
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-base-") as tmp:
        root = Path(tmp)
        try:
            view.materialize([*base_paths.values(), *removed, *configs], root)
            mirror_git_dirs(where.workspace, root, list(base_paths.values()))
            base = lint_base(root, {**base_paths, **{p: p for p in removed}}, where.overrides,
                             where.options, where.env, where.config_path)
            notes += base.notes
            git = Git(where.workspace)
            for path, reason in affected.items():
                if reason == "changed":
                    old = root / base_paths[path] if path in base_paths else None
                    present = old if old is not None and old.is_file() else None
                    lines[path] = git.diff_lines(present, where.workspace / path)
        except Exception as exc:  # the base is a comparison aid: never lose the report
            notes.append(f"could not lint the base: {exc}")
            base = BaseLint()
    gone = {p: base.findings.pop(p, []) for p in removed}
    return review(head.findings, head.dockerfiles, affected=affected, base=base.findings,
                  lines=lines, filter_mode=filter_mode, removed=gone, previous=previous,
                  always_new=extra, notes=notes, base_dockerfiles=base.dockerfiles,
                  target=where.options.target)


__all__ = ["BaseLint", "Where", "against_base", "lint_base", "mirror_git_dirs",
           "working_directory"]
