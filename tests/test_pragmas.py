"""Inline pragmas (``# hadolint ignore=``, ``# hadolint global ignore=``) for DL and DC codes
alike, compared with hadolint 2.15.1 alone on the same file.

Every pragma below names DL3008 and DC203 together, both reported on the same RUN: whatever
hadolint does with DL3008 (ignore it, or keep it because the pragma is void or misplaced), ours
must do with DL3008 and with DC203."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from lint.config import Overrides, load
from lint.discovery import Found
from lint.dockerfile import parse
from lint.engine import apply_config
from lint.finding import Finding, Severity
from lint.hadolint import find_binary
from lint.run import LintOptions, LintResult, lint_files
from tests.conftest import every_rule

REAL = find_binary()

Pair = tuple[str, int]

RUN = (
    "RUN apt-get update && \\\n"
    "    apt-get install -y \\\n"
    "    gcc curl\n"
)

VARIANTS = {
    "plain": "# hadolint ignore=DL3008,DC203",
    "space_after_comma": "# hadolint ignore=DL3008, DC203",
    "spaces_around_equals": "# hadolint ignore = DL3008,DC203",
    "no_space_after_hash": "#hadolint ignore=DL3008,DC203",
    "indented": "   # hadolint ignore=DL3008,DC203",
    "trailing_comment": "# hadolint ignore=DL3008,DC203 # reason",
    "invalid_code_voids_all": "# hadolint ignore=DL3008,DC203,XY123",
    "trailing_comma_voids_all": "# hadolint ignore=DL3008,DC203,",
    "trailing_words_void_all": "# hadolint ignore=DL3008,DC203 because",
    "space_separated_void": "# hadolint ignore=DL3008 DC203",
    "lowercase_codes": "# hadolint ignore=dl3008,dc203",
    "capitalised_hadolint": "# Hadolint ignore=DL3008,DC203",
    "uppercase_ignore": "# hadolint IGNORE=DL3008,DC203",
    "blank_line_between": "# hadolint ignore=DL3008,DC203\n",
    "comment_between": "# hadolint ignore=DL3008,DC203\n# install",
    "only_the_line_directly_above": "# hadolint ignore=DL3008,DC203\n# hadolint ignore=DL3015",
    "global": "# hadolint global ignore=DL3008,DC203",
    "global_void": "# hadolint global ignore=DL3008,DC203,XY1",
}


def hadolint_alone(directory: Path, *args: str) -> set[Pair]:
    proc = subprocess.run([REAL, "-f", "json", "--no-fail", *args, "Dockerfile"], cwd=directory,
                          capture_output=True, text=True, check=False)
    return {(i["code"], i["line"]) for i in json.loads(proc.stdout)}


def ours(directory: Path, overrides: Overrides | None = None) -> LintResult:
    overrides = overrides or Overrides()
    result = lint_files([Found("Dockerfile", directory / "Dockerfile")],
                        load(directory, os.environ, overrides),
                        LintOptions(overrides=overrides, hadolint_all_stages=True))
    assert result.errors == []
    return result


def split(result: LintResult) -> tuple[set[Pair], set[Pair]]:
    pairs = {(f.code, f.line) for f in result.findings}
    return ({p for p in pairs if p[0].startswith(("DL", "SC"))},
            {p for p in pairs if p[0].startswith("DC")})


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_pragma_variant_matches_hadolint(tmp_path: Path, name: str) -> None:
    pragma = VARIANTS[name]
    (tmp_path / "Dockerfile").write_text(
        f"FROM debian:12\n{pragma}\n{RUN}USER app\nCMD [\"app\"]\n")
    run_line = 3 + pragma.count("\n")
    theirs = hadolint_alone(tmp_path)
    mine, dc = split(ours(tmp_path))
    assert mine == theirs
    kept = ("DL3008", run_line) in theirs
    assert (("DC203", run_line) in dc) is kept
    applies = name in ("plain", "space_after_comma", "spaces_around_equals",
                       "no_space_after_hash", "indented", "trailing_comment", "global")
    assert kept is not applies  # pins down hadolint's own behaviour for each variant


def test_pragma_above_from_and_global_anywhere(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# hadolint ignore=DL3007,DC301\n"
        "FROM debian:latest AS build\n"
        f"{RUN}"
        "FROM debian:latest\n"
        f"{RUN}"
        "USER app\n"
        "# hadolint global ignore=DL3015,DC203\n"
    )
    theirs = hadolint_alone(tmp_path)
    mine, dc = split(ours(tmp_path))
    assert mine == theirs == {
        # (hadolint reports DL3009 only in the last stage)
        ("DL3008", 3), ("DL3007", 6), ("DL3008", 7), ("DL3009", 7), ("DL3066", 10),
    }
    # the FROM pragma covers its own line only; the global one covers every stage
    assert ("DC301", 2) not in dc and ("DC301", 6) in dc
    assert not any(code == "DC203" for code, _ in dc)


@pytest.mark.parametrize("how", ["option", "variable", "file"])
def test_disable_ignore_pragma(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
                               ) -> None:
    (tmp_path / "Dockerfile").write_text(
        f"FROM debian:12\n# hadolint ignore=DL3008,DC203\n{RUN}USER app\nCMD [\"app\"]\n"
        "# hadolint global ignore=DL3015,DC301\n"
    )
    overrides = Overrides(disable_ignore_pragma=True) if how == "option" else Overrides()
    if how == "variable":
        monkeypatch.setenv("HADOLINT_DISABLE_IGNORE_PRAGMA", "true")
    if how == "file":
        (tmp_path / ".hadolint.yaml").write_text("disable-ignore-pragma: true\n")
    theirs = hadolint_alone(tmp_path, *(["--disable-ignore-pragma"] if how == "option" else []))
    mine, dc = split(ours(tmp_path, overrides))
    assert mine == theirs
    assert {("DL3008", 3), ("DL3015", 3)} <= theirs
    assert {("DC203", 3), ("DC301", 1)} <= dc


def test_pragma_covers_every_line_of_the_instruction() -> None:
    text = f"FROM debian:12\n# hadolint ignore=DC203\n{RUN}{RUN}CMD [\"app\"]\n"
    df = parse("Dockerfile", text)
    findings = [
        Finding(path="Dockerfile", line=line, code="DC203", severity=Severity.INFO,
                message="m", source="dockerfile-review")
        for line in (3, 4, 5, 6, 8)
    ]
    kept = apply_config(findings, every_rule(), {"Dockerfile": df})
    # lines 3-5 are the RUN under the pragma; 6-8 the next RUN
    assert [f.line for f in kept] == [6, 8]


def test_pragma_is_case_sensitive_for_codes_in_dc_too(tmp_path: Path) -> None:
    # DC codes written in lower case are not codes for hadolint's pragma parser: the pragma
    # is void for both tools.
    (tmp_path / "Dockerfile").write_text(
        f"FROM debian:12\n# hadolint ignore=DL3015,dc203\n{RUN}USER app\nCMD [\"app\"]\n"
    )
    theirs = hadolint_alone(tmp_path)
    mine, dc = split(ours(tmp_path))
    assert mine == theirs and ("DL3015", 3) in theirs and ("DC203", 3) in dc
