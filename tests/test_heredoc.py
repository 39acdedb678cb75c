"""The heredoc workaround (lint/heredoc.py): hadolint 2.15.1 answers a lone DL1000 on these valid
BuildKit files; through our runner it lints a rewritten copy and its findings land on the
original lines. Every case runs the real hadolint twice: alone on the file, and through ours."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from lint.config import load
from lint.discovery import Found
from lint.dockerfile import parse
from lint.hadolint import find_binary
from lint.heredoc import for_hadolint
from lint.run import LintOptions, lint_files
from tests.conftest import EVERY_RULE_ENV

REPO = Path(__file__).resolve().parent.parent
REAL = find_binary()

Pair = tuple[str, int]

CASES: dict[str, tuple[str, set[Pair]]] = {
    # apt-get without --no-install-recommends inside the heredoc and in a RUN right after it
    "instruction_after_terminator": (
        "FROM debian:12\n"
        "RUN <<EOF\n"
        "apt-get update\n"
        "apt-get install -y curl\n"
        "EOF\n"
        "RUN apt-get install -y git\n",
        {("DL3008", 2), ("DL3009", 2), ("DL3015", 2), ("DL3008", 6), ("DL3015", 6)},
    ),
    "comment_after_terminator": (
        "FROM debian:12\n"
        "RUN <<EOF\n"
        "apt-get install -y curl\n"
        "EOF\n"
        "# the next step\n"
        "RUN apt-get install -y git\n",
        {("DL3008", 2), ("DL3015", 2), ("DL3008", 6), ("DL3015", 6), ("DL3059", 6)},
    ),
    "dash_with_tabs": (
        "FROM debian:12\n"
        "RUN <<-EOF\n"
        "\tapt-get update\n"
        "\tapt-get install -y curl\n"
        "\tEOF\n"
        "WORKDIR app\n",
        {("DL3008", 2), ("DL3009", 2), ("DL3015", 2), ("DL3000", 6)},
    ),
    "several_heredocs_on_one_line": (
        "FROM debian:12\n"
        "RUN <<A <<B\n"
        "apt-get install -y curl\n"
        "A\n"
        "apt-get install -y git\n"
        "B\n"
        "RUN apt-get install -y wget\n",
        {("DL3008", 2), ("DL3015", 2), ("DL3008", 7), ("DL3015", 7)},
    ),
    "crlf_line_endings": (
        "FROM debian:12\r\n"
        "RUN <<EOF\r\n"
        "apt-get install -y curl\r\n"
        "EOF\r\n"
        "RUN apt-get install -y git\r\n",
        {("DL3008", 2), ("DL3015", 2), ("DL3008", 5), ("DL3015", 5), ("DL3059", 5)},
    ),
    "copy_heredoc_then_more": (
        "FROM debian:12\n"
        "RUN <<'EOT' bash\n"
        "set -eux\n"
        "apt-get install -y curl\n"
        "EOT\n"
        "COPY <<EOF /etc/app.conf\n"
        "listen = 8080\n"
        "EOF\n"
        "RUN pip install flask\n"
        "CMD bash\n",
        {("DL3008", 2), ("DL3015", 2), ("DL3013", 9), ("DL3042", 9), ("DL3025", 10)},
    ),
}


def hadolint_alone(path: Path) -> list[dict[str, object]]:
    proc = subprocess.run([REAL, "-f", "json", path.name], cwd=path.parent, capture_output=True,
                          text=True, check=False)
    result: list[dict[str, object]] = json.loads(proc.stdout)
    return result


def ours(path: Path) -> set[Pair]:
    result = lint_files([Found(path.name, path)], load(path.parent, EVERY_RULE_ENV),
                        LintOptions(hadolint_all_stages=True))
    assert result.errors == []
    return {(f.code, f.line) for f in result.findings if f.code.startswith(("DL", "SC"))}


@pytest.mark.parametrize("name", sorted(CASES))
def test_heredoc_file_gets_hadolints_real_findings(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    path = tmp_path / "Dockerfile"
    path.write_bytes(text.encode())
    assert [item["code"] for item in hadolint_alone(path)] == ["DL1000"]
    assert ours(path) == expected


def test_line_map_drops_inner_terminators_and_maps_the_inserted_blank_line() -> None:
    text, _ = CASES["several_heredocs_on_one_line"]
    rewritten = for_hadolint(parse("Dockerfile", text))
    assert rewritten == (
        "FROM debian:12\n"
        "RUN <<A \n"
        "apt-get install -y curl\n"
        "apt-get install -y git\n"
        "A\n"
        "\n"
        "RUN apt-get install -y wget\n",
        [1, 2, 3, 5, 6, 6, 7, 8],
    )


def test_heredoc_hadolint_parses_is_not_rewritten(tmp_path: Path) -> None:
    text = "FROM debian:12\nRUN <<EOF\napt-get install -y curl\nEOF\n\nWORKDIR app\n"
    assert for_hadolint(parse("Dockerfile", text)) is None
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    theirs = {(str(i["code"]), int(str(i["line"]))) for i in hadolint_alone(path)}
    assert theirs == {("DL3008", 2), ("DL3015", 2), ("DL3000", 6)}
    assert ours(path) == theirs


def test_body_line_equal_to_first_name_is_left_to_hadolint(tmp_path: Path) -> None:
    # Merging B's body into A's would end A early at the line "A": not rewritten, so hadolint's
    # own answer (DL1000) stands rather than findings on the wrong lines.
    text = "FROM debian:12\nRUN <<A <<B\necho a\nA\nA\nB\nWORKDIR /x\n"
    assert for_hadolint(parse("Dockerfile", text)) is None
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    assert ours(path) == {(str(i["code"]), int(str(i["line"]))) for i in hadolint_alone(path)}


def test_example_worker_containerfile(tmp_path: Path) -> None:
    source = REPO / "examples" / "worker" / "Containerfile"
    # hadolint alone: the COPY right after the terminator (line 14) is a parse error
    alone = hadolint_alone(source)
    assert [(i["code"], i["line"]) for i in alone] == [("DL1000", 14)]
    result = lint_files([Found("examples/worker/Containerfile", source)],
                        load(REPO, EVERY_RULE_ENV), LintOptions())
    assert result.errors == []
    assert {(f.code, f.line) for f in result.findings} == {
        ("DC101", 4), ("DC301", 4),
        ("DL3008", 8), ("DL3009", 8), ("DL3013", 8), ("DL3015", 8), ("DL3042", 8),
    }
