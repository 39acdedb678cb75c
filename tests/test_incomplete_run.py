"""A failed or incomplete run never closes code-scanning alerts: code scanning closes every alert
an uploaded SARIF file lacks, so such a run writes no SARIF (and removes one an earlier run
left), sets ``sarif-file`` to '', and its comment and job summary say which files were not fully
linted and why.

Each case runs ``entrypoint.py`` for real (real hadolint, the GitHub-shaped server on 127.0.0.1)
and then evaluates the upload step's ``if:`` exactly as README.md and
``examples/workflows/pull-request.yml`` write it, with ``tests/ghexpr.py``, against the outputs
the run wrote to ``$GITHUB_OUTPUT`` and the job status its exit code makes."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from lint.hadolint import find_binary
from lint.sinks.neutralize import inline
from tests import ghexpr
from tests.ghserver import GitHubServer
from tests.test_entrypoint_e2e import (
    TOKEN,
    Repo,
    Run,
    assert_no_token,
    make_repo,
    ours,
    run_action,
)

pytestmark = pytest.mark.npm  # GitHub's payloads and OpenAPI description

ROOT = Path(__file__).resolve().parent.parent
PULL_REQUEST = ROOT / "examples" / "workflows" / "pull-request.yml"
SARIF = "dockerfile-review.sarif"
STALE = '{"version": "2.1.0", "runs": [{"note": "an earlier run"}]}\n'
# 17 nested substitutions: DC003, the file is refused before parsing.
DEEP = "FROM alpine:3.20\nRUN echo " + "${A:-" * 17 + "x" + "}" * 17 + "\n"
DEEP_WHY = ("DC003: Variable substitutions nest 17 deep on line 2, deeper than 16: the file was "
            "not linted; split or simplify it")


@pytest.fixture
def server() -> Any:
    with GitHubServer(token=TOKEN) as srv:
        yield srv
    assert srv.violations == []


def upload_step() -> tuple[str, str]:
    """The id of our action's step and the SARIF upload's ``if:``, read from the example
    workflow; README.md shows the same step."""
    steps = yaml.safe_load(PULL_REQUEST.read_text(encoding="utf-8"))["jobs"]["review"]["steps"]
    ours_ = next(s for s in steps if s.get("uses", "").startswith("dockerfile-review/"))
    upload = next(s for s in steps
                  if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"if: {upload['if']}\n" in readme
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{ours_['id']}.outputs.sarif-file }}}}"
    return ours_["id"], upload["if"]


def uploads(run: Run) -> bool:
    """Would the upload step run after this run of the action?"""
    step, condition = upload_step()
    outcome: ghexpr.Status = "success" if run.code == 0 else "failure"
    contexts: dict[str, Any] = {"steps": {step: {"outputs": run.outputs, "outcome": outcome,
                                                 "conclusion": outcome}}}
    return ghexpr.condition(condition, contexts, outcome)


def stale(repo: Repo) -> None:
    (repo.workspace / SARIF).write_text(STALE)


def test_a_complete_run_writes_sarif_and_the_upload_runs(tmp_path: Path,
                                                         server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    stale(repo)
    run = run_action(tmp_path, repo, server)
    assert run.code == 1, run.stdout + run.stderr  # findings: the step fails, the upload runs
    assert run.outputs["sarif-file"] == SARIF
    log = json.loads(run.files[SARIF])
    assert len(log["runs"][0]["results"]) == int(run.outputs["findings"]) > 0
    assert uploads(run) is True
    assert "Incomplete run" not in run.summary
    assert "Incomplete run" not in ours(server)[0].body


def _failing_hadolint(tmp: Path) -> Path:
    """The real hadolint, called with an option it does not have (it exits 1 with usage)."""
    script = tmp / "hadolint-bad-option"
    script.write_text(f'#!/bin/sh\nexec {find_binary()} --no-such-option "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_hadolint_failing_writes_no_sarif_and_says_why(tmp_path: Path,
                                                       server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    stale(repo)
    run = run_action(tmp_path, repo, server,
                     variables={"HADOLINT_BIN": str(_failing_hadolint(tmp_path))})
    assert run.code == 2, run.stdout + run.stderr
    assert SARIF not in run.files  # the earlier run's file is gone too
    assert run.outputs["sarif-file"] == ""
    assert uploads(run) is False
    why = "hadolint failed on it (exit code, time limit or unreadable output)"
    expected = [f"- app/Dockerfile: {why}", f"- a%b,c:d: {why}"]
    for text in (run.summary, ours(server)[0].body, run.files["dockerfile-review-comment.md"]):
        section = text.split("⚠️ **Incomplete run: no SARIF file was written**", 1)[1]
        items = re.findall(r"^- .*$", section.split("\n\n", 2)[1], re.M)
        assert sorted(items) == sorted(expected)
    assert "::error::hadolint could not lint app/Dockerfile" in run.stdout
    assert_no_token(run, tmp_path)


def test_hadolint_missing_writes_no_sarif(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    stale(repo)
    run = run_action(tmp_path, repo, server,
                     variables={"HADOLINT_BIN": str(tmp_path / "no-hadolint")})
    assert run.code == 2
    assert SARIF not in run.files
    assert run.outputs["sarif-file"] == ""
    assert uploads(run) is False
    where = inline(str(tmp_path / "no-hadolint"))
    assert f"\n- hadolint not found at {where}: install it with" in run.summary
    assert "\n⚠️ **dockerfile-review**: no findings.\n" in run.summary  # not all clear


def test_a_dc003_file_withholds_sarif_and_the_good_file_still_reports(
        tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path, extra={"deep/Dockerfile": DEEP})
    stale(repo)
    # Even with DC003 ignored, the file was not linted: no SARIF.
    run = run_action(tmp_path, repo, server, ignore="DC003")
    assert run.code == 1, run.stdout + run.stderr  # by the good file's findings
    assert SARIF not in run.files
    assert run.outputs["sarif-file"] == ""
    assert uploads(run) is False
    body = ours(server)[0].body
    for text in (run.summary, body):
        assert f"\n- deep/Dockerfile: {DEEP_WHY}\n" in text
    # The good file's findings are all still in the comment, the JSON report and its output.
    assert "[app/Dockerfile:L4]" in body and "DL3003" in body
    report = json.loads(run.files["dockerfile-review-report.json"])
    assert ("app/Dockerfile", "DL3003", 4) in {(r["path"], f["code"], f["line"])
                                               for r in report["files"] for f in r["new"]}
    assert run.outputs["report-json"] == "dockerfile-review-report.json"
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning::")]
    assert warnings == ["::warning::incomplete run: no SARIF file was written, so code scanning "
                        f"keeps its alerts; deep/Dockerfile was not fully linted ({DEEP_WHY})"]


def test_a_bad_input_removes_an_earlier_sarif(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    stale(repo)
    run = run_action(tmp_path, repo, server, filter_mode="everything")
    assert run.code == 2
    assert SARIF not in run.files
    assert run.outputs == {}
    assert uploads(run) is False
