"""Nothing the action prints can become a workflow command: hostile text (file names, GitHub's
messages, YAML errors) reaches stdout through notes, the comment step's warnings and errors,
and no line may start with ``::`` except our own ``::error``/``::warning``/``::notice``, whose
data carries the payload escaped as the runner unescapes it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import entrypoint
from lint.github.emit import DEFUSED, Emitter, plain
from lint.sinks.annotations import command
from tests import ghserver
from tests.ghserver import GitHubServer

github_server = ghserver.github_server

PAYLOADS = ("\n::add-mask::x", "::set-output name=a::b", "::stop-commands::tok",
            "\r\n  ::error::forged", "\r::warning::cr only")
JOINED = "".join(PAYLOADS)
REPO = "octo-org/octo-repo"
TOKEN = "ghs_WorkflowCommandsTOKEN0123456789abc"
BASE_SHA = "a" * 40
HEAD_SHA = "b" * 40
OURS = re.compile(r"::(error|warning|notice)( [^:]*)?::(.*)")


def unescape(data: str) -> str:
    """The runner's unescaping of command data (actions/runner ActionCommand)."""
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def commands_and_lines(stdout: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Our commands (name, unescaped data) and the plain lines; fails on any other line that
    the runner would read as a command."""
    found: list[tuple[str, str]] = []
    plain_lines: list[str] = []
    # The runner splits on CR, LF and CRLF.
    for line in re.split(r"\r\n|\r|\n", stdout):
        if not line.lstrip().startswith("::"):
            plain_lines.append(line)
            continue
        match = OURS.fullmatch(line)
        assert match is not None, f"a line the runner reads as a command: {line!r}"
        assert "\r" not in match.group(3) and "\n" not in match.group(3)
        found.append((match.group(1), unescape(match.group(3))))
    return found, plain_lines


# the one place: Emitter.line

@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_plain_line_never_starts_a_command(payload: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    Emitter().line(payload)
    Emitter().line(f"note: {payload}")

    out = capsys.readouterr().out
    assert out.count("\n") == 2 and "\r" not in out
    first, second = out.splitlines()
    flat = payload.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    assert first == (DEFUSED + flat if flat.lstrip().startswith("::") else flat)
    assert second == f"note: {flat}"
    assert commands_and_lines(out)[0] == []


def test_plain_is_the_identity_on_ordinary_text() -> None:
    assert plain("comment created: https://github.com/o/r/pull/1#issuecomment-2") == (
        "comment created: https://github.com/o/r/pull/1#issuecomment-2")
    assert plain("a::b") == "a::b"
    assert plain(" ::x") == f"{DEFUSED} ::x"


def test_our_commands_carry_the_payload_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    out = Emitter()
    out.command("warning", f"could not post: {JOINED}")
    out.commands([command("error", JOINED, [("file", "a:b,c")]), f"::error::x\n{JOINED}",
                  "not a command"])

    found, lines = commands_and_lines(capsys.readouterr().out)
    assert found == [("warning", f"could not post: {JOINED}"), ("error", JOINED)]
    flat = re.sub(r"\r\n|\r|\n", " ", JOINED)
    assert lines == [f"{DEFUSED}::error::x {flat}", "not a command", ""]


# every path of a real run

def pull_request(tmp: Path, server: GitHubServer, workspace: Path,
                 **inputs: str) -> dict[str, str]:
    event = tmp / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7, "pull_request": {
        "number": 7, "base": {"sha": BASE_SHA}, "head": {"sha": HEAD_SHA}}}))
    return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
            "GITHUB_WORKSPACE": str(workspace), "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": server.url, "GITHUB_SHA": HEAD_SHA, "GITHUB_RUN_ID": "1",
            "GITHUB_OUTPUT": str(tmp / "output"), "GITHUB_STEP_SUMMARY": str(tmp / "summary"),
            "INPUT_GITHUB-TOKEN": TOKEN, "INPUT_SIZE": "false", "INPUT_FETCH-BASE": "false",
            **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}}


def test_hostile_names_and_messages_through_notes_warnings_and_errors(
        tmp_path: Path, github_server: GitHubServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text("FROM debian:12\nRUN cd /tmp\n")
    # A file name can hold anything but "/" and NUL: a note names this symlink.
    (workspace / f"evil{JOINED}").symlink_to("/etc/hostname")
    # The base comes from the API (no git here); GitHub's message is quoted in a note.
    github_server.inject("GET", f"/repos/{REPO}/pulls/7/files", status=404,
                         message=f"Not Found{JOINED}")
    # The comment step's warning quotes GitHub's message.
    github_server.inject("POST", f"/repos/{REPO}/issues/7/comments", status=422,
                         message=f"Validation Failed{JOINED}")
    env = pull_request(tmp_path, github_server, workspace,
                       dockerfile=f".,missing{PAYLOADS[1]}", annotations="true")

    code = entrypoint.run(env)

    found, lines = commands_and_lines(capsys.readouterr().out)
    assert code == 2  # the missing path is an error
    flat = re.sub(r"\r\n|\r|\n", " ", JOINED)
    assert (f"note: skipped symlink evil{flat}: it points outside the root") in lines
    assert (f"note: could not read the base: GET /repos/{REPO}/pulls/7/files: 404: "
            f"Not Found{flat}") in lines
    assert ("warning", "could not write the pull-request comment: POST "
            f"/repos/{REPO}/issues/7/comments: 422: Validation Failed{JOINED}") in found
    assert ("error", f"path not found: missing{PAYLOADS[1]}") in found
    assert {name for name, _ in found} == {"error", "warning"}  # the DL3003 annotation too


def test_a_yaml_error_quoting_hostile_text_is_escaped(
        tmp_path: Path, github_server: GitHubServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text("FROM debian:12\n")
    (workspace / ".hadolint.yaml").write_text(
        "ignored: [DL3008\n::set-output name=a::b\n::add-mask::x: [\n")

    code = entrypoint.run(pull_request(tmp_path, github_server, workspace))

    found, lines = commands_and_lines(capsys.readouterr().out)
    assert code == 2
    [(name, message)] = found
    assert name == "error" and message.startswith("configuration: cannot read ")
    assert '\n    ::add-mask::x: [\n' in message  # YAML quotes the line it stopped at
    assert lines == [""]
