"""End to end with the size step on: ``entrypoint.py`` as a subprocess (the helpers of
``tests/test_entrypoint_e2e.py``: a real pull_request payload, a shallow checkout, the
GitHub-shaped server on 127.0.0.1), building on the real engine. The size section reaches the
comment and the summary, the outputs ``size-report`` and ``size-delta-bytes`` are written, and a
budget exceeded fails the step with a DC501 SARIF result. Without an engine, lint still reports."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.ghserver import GitHubServer
from tests.size.conftest import DOCKER, Engine
from tests.test_entrypoint_e2e import (
    PR,
    Repo,
    git,
    ours,
    run_action,
    server,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.npm  # GitHub's webhook payloads


def blob(name: str, size: int) -> str:
    return f"RUN head -c {size} /dev/urandom > /{name}\n"


def make_repo(tmp: Path, base_df: str, head_df: str) -> Repo:
    origin = tmp / "origin"
    (origin / "app").mkdir(parents=True)
    git(origin, "init", "-q", "-b", "main")
    (origin / "app" / "Dockerfile").write_text(base_df)
    (origin / "app" / ".dockerignore").write_text(".git\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base = git(origin, "rev-parse", "HEAD")
    (origin / "app" / "Dockerfile").write_text(head_df)
    git(origin, "commit", "-q", "-am", "head")
    head = git(origin, "rev-parse", "HEAD")
    workspace = tmp / "workspace"
    git(tmp, "clone", "-q", "--depth=1", f"file://{origin}", str(workspace))
    return Repo(workspace, base, head)


def dc501(sarif_text: str) -> list[tuple[str, int, str]]:
    results = [r for run in json.loads(sarif_text)["runs"] for r in run["results"]]
    return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
            for r in results if r["ruleId"] == "DC501"]


@pytest.mark.docker
def test_size_section_outputs_and_budget(engine: Engine, busybox_base: str, tmp_path: Path,
                                         server: GitHubServer) -> None:  # noqa: F811
    start = f"FROM {busybox_base}\n" + blob("a", 100_000)
    repo = make_repo(tmp_path, start + "USER 1000\n", start + blob("b", 200_000) + "USER 1000\n")
    common: dict[str, Any] = {"size": "true", "docker_command": engine.client,
                              "failure_threshold": "none"}
    # Exactly at the growth budget: passes.
    run = run_action(tmp_path, repo, server, run_id="1", max_size_increase="200000B", **common)
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["size-delta-bytes"] == "200000", run.files["dockerfile-review-size.json"]
    assert run.outputs["size-report"] == "dockerfile-review-size.json"
    report = json.loads(run.files["dockerfile-review-size.json"])
    (image,) = report["images"]
    assert (image["name"], image["status"], image["delta_bytes"]) == (
        "app/Dockerfile", "compared", 200_000)
    assert report["builds"] == 2 and report["compared"] is True
    (comment,) = ours(server)
    for text in (comment.body, run.summary):
        assert "### Image size" in text
        assert "| 🔺 | app/Dockerfile | " in text and " | +195.3 KiB | " in text
        assert "| 3 | RUN head -c 200000 /dev/urandom &gt; /b (new) | — | 195.3 KiB |" in text
    assert dc501(run.files["dockerfile-review.sarif"]) == []
    # Progress in the log, folded into one group; the lines can never be workflow commands.
    lines = run.stdout.splitlines()
    group = lines[lines.index("::group::dockerfile-review: image sizes") + 1:
                  lines.index("::endgroup::")]
    assert [line for line in group if " … " not in line] == [
        "size: building head of app/Dockerfile (app/Dockerfile)",
        next(x for x in group if x.startswith("size: built head of app/Dockerfile "
                                              "(app/Dockerfile) in ")),
        "size: building base of app/Dockerfile (app/Dockerfile)",
        next(x for x in group if x.startswith("size: built base of app/Dockerfile "
                                              "(app/Dockerfile) in ")),
        "size: reading 2 images from the engine (docker save)",
        next(x for x in group if x.startswith("size: read 2 images from the engine "
                                              "(docker save) in ")),
    ]
    # One byte under: the step fails, the comment says why, SARIF carries DC501 on line 1.
    run = run_action(tmp_path, repo, server, run_id="2", max_size_increase="199999B", **common)
    assert run.code == 1, run.stdout + run.stderr
    message = ("image app/Dockerfile: growth 195.3 KiB (200,000 bytes) exceeds "
               "max-size-increase 199999B (199,999 bytes)")
    assert dc501(run.files["dockerfile-review.sarif"]) == [
        ("app/Dockerfile", 1, f"Image size budget exceeded: {message}")]
    (comment,) = ours(server)
    assert f"> ❌ Budget exceeded: {message}" in comment.body
    assert f"> ❌ Budget exceeded: {message}" in run.summary
    assert json.loads(run.files["dockerfile-review-size.json"])["failed"] is True


def test_without_an_engine_lint_still_reports(tmp_path: Path,
                                              server: GitHubServer) -> None:  # noqa: F811
    if not os.access(DOCKER, os.X_OK):
        pytest.skip(f"{DOCKER} is not installed")
    client = tmp_path / "docker-dead-socket"
    client.write_text(f'#!/bin/sh\nDOCKER_HOST=unix://{tmp_path}/dead.sock exec {DOCKER} "$@"\n')
    client.chmod(0o755)
    df = "FROM local/busybox:1\nRUN cd /tmp && echo hi\n"
    repo = make_repo(tmp_path, "FROM local/busybox:1\n", df)
    run = run_action(tmp_path, repo, server, size="true", docker_command=str(client))
    assert run.code == 1, run.stdout + run.stderr  # DL3003 is a warning: lint still counts
    (comment,) = ours(server)
    assert "DL3003" in comment.body
    for text in (comment.body, run.summary):
        assert "Size analysis was skipped: no Docker engine answered (" in text
        assert "dead.sock" in text
    assert run.outputs["size-delta-bytes"] == "0"
    assert json.loads(run.files["dockerfile-review-size.json"])["skipped"].endswith(
        "linting still reports")
    assert PR == 7


@pytest.mark.docker
def test_a_file_over_the_lint_bounds_is_not_built(engine: Engine, busybox_base: str,
                                                  tmp_path: Path,
                                                  server: GitHubServer) -> None:  # noqa: F811
    nested = "x"
    for _ in range(17):
        nested = "${A:-" + nested + "}"
    start = f"FROM {busybox_base}\n"
    repo = make_repo(tmp_path, start + blob("a", 1000), start + f"RUN echo {nested}\n")
    run = run_action(tmp_path, repo, server, size="true", docker_command=engine.client,
                     failure_threshold="none")
    assert run.code == 0, run.stdout + run.stderr
    reason = ("Variable substitutions nest 17 deep on line 2, deeper than 8: the file was not "
              "linted; split or simplify it")
    report = json.loads(run.files["dockerfile-review-size.json"])
    (image,) = report["images"]
    assert (image["name"], image["status"], image["note"]) == (
        "app/Dockerfile", "skipped", f"not built: the lint step did not pass it ({reason})")
    assert report["builds"] == 0
    (comment,) = ours(server)
    assert "| ⚠️ | app/Dockerfile | not built: the lint step did not pass it (Variable " in (
        comment.body)
    # An incomplete run leaves no SARIF (code scanning would close the file's alerts); the
    # report JSON holds the DC003 finding.
    assert "dockerfile-review.sarif" not in run.files
    lint_report = json.loads(run.files["dockerfile-review-report.json"])
    assert [(f["code"], f["line"]) for file in lint_report["files"]
            for f in file["new"] + file["existing"]] == [("DC003", 2)]
