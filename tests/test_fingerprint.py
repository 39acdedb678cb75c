"""Fingerprints (lint/fingerprint.py): stable when an instruction moves or is edited, distinct
for identical instructions and for several ShellCheck hits on one RUN."""

from __future__ import annotations

from pathlib import Path

from lint import fingerprint
from lint.config import load
from lint.discovery import Found
from lint.dockerfile import parse
from lint.finding import SOURCE_SHELLCHECK, Finding, Severity
from lint.run import LintOptions, lint_files
from tests.conftest import EVERY_RULE_ENV

BODY = (
    "FROM debian:12\n"
    "RUN apt-get update && \\\n"
    "    apt-get install -y gcc curl\n"
    "WORKDIR /srv\n"
    "RUN apt-get install -y git\n"
    "COPY . .\n"
    "RUN apt-get install -y git\n"
    "USER app\n"
    "CMD [\"app\"]\n"
)


def lint(tmp_path: Path, name: str, text: str) -> list[Finding]:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "Dockerfile").write_text(text)
    (directory / ".dockerignore").write_text(".git\n")
    result = lint_files([Found("Dockerfile", directory / "Dockerfile")],
                        load(directory, EVERY_RULE_ENV), LintOptions())
    assert result.errors == []
    return result.findings


def by_place(findings: list[Finding], shift: int = 0) -> dict[tuple[str, int], str]:
    out = {}
    for f in findings:
        assert f.fingerprint, f
        out[(f.code, f.line - shift)] = f.fingerprint
    return out


def test_stable_when_lines_are_inserted_above(tmp_path: Path) -> None:
    before = by_place(lint(tmp_path, "before", BODY))
    moved = BODY.replace("FROM debian:12\n",
                         "# syntax=docker/dockerfile:1\n\n# the build image\nFROM debian:12\n")
    after = by_place(lint(tmp_path, "after", moved), shift=3)
    assert {("DL3008", 2), ("DL3015", 2), ("DC203", 2), ("DL3008", 5), ("DL3008", 7)} <= set(
        before
    )
    assert after == before


def test_stable_when_an_instruction_is_inserted_above(tmp_path: Path) -> None:
    before = by_place(lint(tmp_path, "before", BODY))
    moved = BODY.replace("FROM debian:12\n", "FROM debian:12\nLABEL team=core \\\n    tier=2\n")
    after = by_place(lint(tmp_path, "after", moved), shift=2)
    for place in [("DL3008", 2), ("DL3015", 2), ("DC203", 2), ("DL3008", 5), ("DL3008", 7)]:
        assert after[place] == before[place], place


def test_identical_instructions_differ(tmp_path: Path) -> None:
    prints = by_place(lint(tmp_path, "twice", BODY))
    # lines 5 and 7 are the same instruction with the same findings
    assert prints[("DL3008", 5)] != prints[("DL3008", 7)]
    assert prints[("DL3015", 5)] != prints[("DL3015", 7)]
    assert len(set(prints.values())) == len(prints)


def test_an_edit_that_does_not_touch_the_problem_keeps_the_fingerprint(tmp_path: Path) -> None:
    # A package added, a tag bumped, a keyword's case changed: the code-scanning alert of the
    # problem that stays stays open.
    before = by_place(lint(tmp_path, "before", BODY))
    edited = (BODY.replace("gcc curl", "gcc curl wget").replace("debian:12", "debian:13")
              .replace("WORKDIR /srv", "workdir /srv"))
    after = by_place(lint(tmp_path, "after", edited))
    for place in [("DL3008", 2), ("DL3015", 2), ("DL3008", 5), ("DL3008", 7)]:
        assert after[place] == before[place], place


def test_the_same_code_elsewhere_gets_another_fingerprint(tmp_path: Path) -> None:
    prints = by_place(lint(tmp_path, "body", BODY))
    assert prints[("DL3008", 2)] != prints[("DL3008", 5)]
    assert prints[("DL3008", 2)] != prints[("DL3015", 2)]


def test_several_shellcheck_hits_on_one_run_differ() -> None:
    # hadolint 2.15.1 put one ShellCheck finding per RUN in every file we tried, but ShellCheck
    # itself reports each occurrence (all on the RUN's first line, column 1): built here as data.
    text = "FROM debian:12\nRUN echo $A $B \\\n    && cp *.txt /x\n"
    df = parse("Dockerfile", text)

    def sc(code: str, message: str) -> Finding:
        return Finding(path="Dockerfile", line=2, code=code, severity=Severity.INFO,
                       message=message, source=SOURCE_SHELLCHECK)

    quote = "Double quote to prevent globbing and word splitting."
    hits = [sc("SC2086", quote), sc("SC2086", quote), sc("SC2035", "Use ./*glob*")]
    prints = [f.fingerprint for f in fingerprint.assign(hits, {"Dockerfile": df})]
    assert len(set(prints)) == 3
    # and the same three again after the RUN moved down one line
    moved = parse("Dockerfile", text.replace("FROM debian:12\n", "FROM debian:12\n\n"))
    again = [f.with_(line=3) for f in hits]
    assert [f.fingerprint for f in fingerprint.assign(again, {"Dockerfile": moved})] == prints
