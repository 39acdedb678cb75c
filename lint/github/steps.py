"""The pull-request workflow's steps, each a small function of the settings: lint what is
checked out, open the base, review against it, post the sticky comment. ``entrypoint.py``
wires them; the decisions are in the pure modules they call (``lint.review``, ``lint.outcome``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint import config as config_mod
from lint import review as review_mod
from lint.config import Config
from lint.discovery import discover
from lint.finding import Finding
from lint.github import base, changes, event
from lint.github.settings import Settings
from lint.outcome import COMMENT_FILE
from lint.run import LintOptions, LintResult, lint_files


@dataclass
class Head:
    """The lint of what is checked out, with the options and configuration it used; ``notes``
    and ``errors`` from discovery and the lint step."""

    result: LintResult
    options: LintOptions
    config: Config
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def payload(path: Path | None) -> dict[str, Any]:
    """The event payload (``{}`` when absent or unreadable: the plan then says what to do)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def lint_head(s: Settings, env: Mapping[str, str]) -> Head:
    """Discover and lint the Dockerfiles in the workspace. Raises ``ConfigError``."""
    overrides = s.overrides()
    cfg = config_mod.load(s.workspace, env, overrides, confine=s.workspace)
    found = discover(list(s.dockerfile) or ["."], s.workspace, s.include, s.exclude,
                     recursive=s.recursive)
    options = LintOptions(overrides=overrides, target=s.target, pin_exempt=s.pin_exempt,
                          hadolint_all_stages=s.hadolint_all_stages)
    with base.working_directory(s.workspace):
        result = lint_files(found.files, cfg, options)
    return Head(result, options, cfg, list(found.notes), found.errors + result.errors)


def base_view(s: Settings, plan: event.Plan) -> tuple[changes.BaseView | None, list[str]]:
    """The changed files and the base versions: git first, the REST API second."""
    if not (plan.compares and plan.base_sha):
        return None, []
    from lint.github.api import Client

    def client() -> Client:
        return Client(s.token.reveal(), s.api_url, s.repository)

    try:
        view = changes.open_base(s.workspace, plan.base_sha, fetch=s.fetch_base,
                                 pr_number=plan.pr_number, api=client)
    except Exception as exc:  # GitHubError, GitError: degrade to "no base"
        return None, [f"could not read the base: {exc}"]
    if view is None:
        return None, ["no base to compare with: every finding counts"]
    return view, list(view.notes)


def changed_paths(view: changes.BaseView | None) -> list[str] | None:
    """Every path the change touched, old names of renames included (``None``: unknown)."""
    if view is None:
        return None
    return sorted({c.path for c in view.changes} | {c.previous for c in view.changes
                                                    if c.previous})


def review(s: Settings, head: Head, env: Mapping[str, str], view: changes.BaseView | None,
           notes: Sequence[str], extra: Sequence[Finding]) -> review_mod.Review:
    """Compare with the base when there is one; else every finding is new and counts."""
    result = head.result
    if view is None:
        return review_mod.review(result.findings, result.dockerfiles, affected=None, base={},
                                 lines={}, always_new=extra, notes=notes)
    where = base.Where(s.workspace, s.overrides(), head.options, env, _repo_path(s), s.include,
                       s.exclude)
    return base.against_base(view, result, where, s.filter_mode, extra=extra, notes=notes)


def _repo_path(s: Settings) -> str | None:
    """The ``config`` input as a repository path (it is read at the base too)."""
    if not s.config:
        return None
    path = Path(s.config)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(s.workspace.resolve()).as_posix()
        except ValueError:
            return None
    return path.as_posix()


def post_comment(s: Settings, number: int, body: str, marker: str, clean: bool,
                 warn: Callable[[str], None], say: Callable[[str], None]) -> str:
    """Create or update the sticky comment and return its URL; GitHub saying no is a
    warning, never a failure (the report is in the job summary and the comment file)."""
    from lint.github.api import Client, GitHubError

    if not s.token:
        warn("no github-token: the comment was not posted; the report is in the job summary "
             f"and in {COMMENT_FILE} (the comment-file output)")
        return ""
    try:
        client = Client(s.token.reveal(), s.api_url, s.repository)
        result = client.upsert_comment(number, body, marker, s.comment_author, mode=s.comment,
                                       clean=clean)
    except GitHubError as exc:
        if exc.status == 403:
            warn("the token may not comment on this pull request (read-only token, e.g. a "
                 f"fork PR): the report is in the job summary and in {COMMENT_FILE} (the "
                 "comment-file output)")
        else:
            warn(f"could not write the pull-request comment: {exc}")
        return ""
    except Exception as exc:  # e.g. an unusable GITHUB_API_URL: still never lose the report
        warn(f"could not write the pull-request comment: {str(exc) or type(exc).__name__}")
        return ""
    for warning in result.warnings:
        warn(warning)
    say(f"comment {result.action}" + (f": {result.url}" if result.url else ""))
    return result.url or ""


__all__ = ["Head", "base_view", "changed_paths", "lint_head", "payload", "post_comment",
           "review"]
