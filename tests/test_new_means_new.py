"""New means new: one synthetic base/head pair for each cause of a misreported "new" finding
seen when real commits were replayed as pull requests (replay/README.md), linted for real
(hadolint included) and matched as the review does. The CI guard of the replay suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.discovery import Found
from lint.github.base import mirror_git_dirs
from lint.review import match
from lint.run import LintOptions, LintResult, lint_files
from tests.conftest import every_rule

APP = """FROM python:3.11-slim AS app
RUN apt-get update && apt-get install -y curl
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["gunicorn", "app:app"]
"""


def lint_text(tmp: Path, text: str, target: str | None = None) -> LintResult:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "Dockerfile").write_text(text)
    (tmp / ".dockerignore").write_text(".git\n")
    return lint_files([Found("Dockerfile", tmp / "Dockerfile")], every_rule(),
                      LintOptions(target=target))


def compare(tmp: Path, base: str, head: str) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(new, fixed) as (code, line) for one file."""
    old = lint_text(tmp / "base", base)
    new = lint_text(tmp / "head", head)
    added, fixed, existing = match(new.findings, old.findings, new.dockerfiles["Dockerfile"],
                                   old.dockerfiles["Dockerfile"])
    assert len(added) + len(existing) == len(new.findings)
    return {(f.code, f.line) for f in added}, {(f.code, f.line) for f in fixed}


@pytest.mark.parametrize(("cause", "head"), [
    # The RUN's text was edited: its hadolint/ShellCheck findings are the same problems.
    ("run-edited", APP.replace("install -y curl", "install -y curl wget")),
    # Lines inserted above: messages that name another instruction's line change.
    ("lines-moved", APP.replace("WORKDIR /app\n", "LABEL a=b\nWORKDIR /app\nENV X=1\n")),
    # A tag bump: DC301/DC201 messages hold the tag.
    ("tag-bump", APP.replace("python:3.11-slim", "python:3.12-slim")),
    # The FROM line of the stage edited: stage-wide findings are keyed by the stage.
    ("from-edited", APP.replace("FROM python:3.11-slim AS app",
                                "FROM python:3.11-slim-bookworm AS web")),
    # Keyword case never matters.
    ("keyword-case", APP.replace(" AS app", " as app").replace("WORKDIR", "workdir")),
    # Re-indented continuation lines.
    ("reindented", APP.replace("apt-get update && apt-get", "apt-get update && \\\n    apt-get")),
])
def test_an_edit_that_leaves_a_problem_reports_nothing_new(cause: str, head: str,
                                                           tmp_path: Path) -> None:
    new, fixed = compare(tmp_path, APP, head)
    assert (new, fixed) == (set(), set()), cause


def test_a_stage_appended_after_the_shipped_one_moves_no_stage_finding(tmp_path: Path) -> None:
    # The shipped stage is now "final", built on "app": the shipped chain's findings (no USER,
    # no HEALTHCHECK) are the same problems of the image that ships.
    head = APP + "\nFROM app AS final\nLABEL org.opencontainers.image.title=app\n"
    new, fixed = compare(tmp_path, APP, head)
    assert (new, fixed) == (set(), set())


def test_a_code_that_fires_more_often_is_new_once_per_extra_hit(tmp_path: Path) -> None:
    head = APP.replace("WORKDIR /app\n", "RUN apt-get install -y git\nWORKDIR /app\n")
    new, fixed = compare(tmp_path, APP, head)
    assert ("DL3008", 3) in new and ("DL3008", 2) not in new
    assert fixed == set()


def test_a_fix_is_fixed_and_a_new_problem_is_new(tmp_path: Path) -> None:
    head = APP.replace("apt-get install -y curl",
                       "apt-get install -y --no-install-recommends curl").replace(
        "WORKDIR /app\n", "WORKDIR /app\nRUN cd /tmp && echo hi\n")
    new, fixed = compare(tmp_path, APP, head)
    assert ("DL3003", 4) in new  # cd in a RUN: introduced by this change
    assert ("DL3015", 2) in fixed  # --no-install-recommends: fixed by it
    assert not {f for f in new if f[0] == "DL3015"}


def test_the_base_tree_gets_the_checkouts_git_dir(tmp_path: Path) -> None:
    workspace, root = tmp_path / "ws", tmp_path / "base"
    (workspace / ".git").mkdir(parents=True)
    (workspace / "svc").mkdir()
    root.mkdir()
    (root / "svc").mkdir()
    mirror_git_dirs(workspace, root, ["Dockerfile", "svc/Dockerfile"])
    assert (root / ".git").is_dir()
    assert not (root / "svc" / ".git").exists()  # the checkout has none there


def test_a_stage_moved_into_its_own_file_is_neither_fixed_nor_new(tmp_path: Path) -> None:
    from lint.review import review

    builder = "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\n"
    old = lint_text(tmp_path / "base", builder + "\n" + APP)
    head_app = lint_text(tmp_path / "head", APP)
    split = lint_text(tmp_path / "split", builder)
    moved = [f.with_(path="build.Dockerfile") for f in split.findings]
    copy_of = split.dockerfiles["Dockerfile"]
    result = review(
        [*head_app.findings, *moved],
        {"Dockerfile": head_app.dockerfiles["Dockerfile"], "build.Dockerfile": copy_of},
        affected={"Dockerfile": "changed", "build.Dockerfile": "changed"},
        base={"Dockerfile": old.findings}, lines={},
        base_dockerfiles={"Dockerfile": old.dockerfiles["Dockerfile"]})
    # The RUN's findings moved with it: not fixed in Dockerfile, not new in build.Dockerfile
    # (a code that fires there only now, as DL3009 in a stage that is now the last, is new).
    before = {f.code for f in old.findings if f.line == 2}
    assert before and [f for f in result.fixed if f.line == 2] == []
    assert {f.code for f in result.existing if f.path == "build.Dockerfile"} >= before
    assert not before & {f.code for f in result.new if f.path == "build.Dockerfile"}


def test_context_rules_see_the_same_kind_of_tree_on_both_sides(tmp_path: Path) -> None:
    """The head is a git checkout (its context holds .git), the base a tree git wrote: context
    rules must see .git on both sides, so an unchanged problem is neither new nor fixed."""
    import os
    import subprocess

    from lint.config import Overrides, load
    from lint.discovery import discover
    from lint.github.base import Where, against_base
    from lint.github.changes import open_base

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ws, env=env, check=True, capture_output=True,
                              text=True).stdout.strip()

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "app.py").write_text("print('hi')\n")
    # Everything but .git ignored: DC304 reports only .git, which the base tree written by git
    # lacks unless it is given one.
    (ws / ".dockerignore").write_text("**/__pycache__\n.venv\nvenv\n.env\n")
    (ws / "Dockerfile").write_text(APP)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    (ws / "Dockerfile").write_text("# the web image\n" + APP)
    git("commit", "-qam", "a comment")
    overrides = Overrides(override={"warning": ("DC303", "DC304")})
    config = load(ws, {}, overrides)
    head = lint_files(discover(["."], ws).files, config, LintOptions(overrides=overrides))
    assert [f.message for f in head.findings if f.code == "DC304"] == [
        ".dockerignore does not exclude .git: add .git to it"]
    view = open_base(ws, base, fetch=False, pr_number=None, api=None)
    assert view is not None
    result = against_base(view, head, Where(ws, overrides, LintOptions(overrides=overrides), {}),
                          "added")
    assert (result.new, result.fixed) == ([], [])
    assert "DC304" in {f.code for f in result.existing}


def test_a_run_folded_into_its_neighbour_keeps_its_findings_there(tmp_path: Path) -> None:
    # Two RUNs folded into one in a new base stage while the shipped stage repeats the same
    # first command: the old `apt-get update` lives on in the RUN that now holds its text
    # (line 2), not in the shipped stage's (line 9), so the DL3009 of line 9 is the new one
    # (sissbruecker/linkding@ad070e7019, judged twice).
    base = ("FROM python:3.11-slim\nRUN apt-get update\nRUN apt-get -y install gcc\n"
            "RUN apt-get -y install mime-support\nCMD [\"app\"]\n")
    head = ("FROM python:3.11-slim AS base\nRUN apt-get update && apt-get -y install gcc\n"
            "WORKDIR /src\n\n"
            "FROM base AS deps\nRUN pip wheel --no-cache-dir -w /w flask==3.0.0\n\n"
            "FROM python:3.11-slim AS final\n"
            "RUN apt-get update && apt-get -y install mime-support\n"
            "COPY --from=deps /w /w\nCMD [\"app\"]\n")
    new, fixed = compare(tmp_path, base, head)
    assert ("DL3009", 9) in new
    assert ("DL3009", 2) not in new
    assert not any(code == "DL3009" for code, _ in fixed)
