"""New, fixed and existing findings (real lint runs, real hadolint) and the filter modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.config import Overrides
from lint.diff import FileLines
from lint.discovery import Found
from lint.dockerfile import parse
from lint.finding import Finding, Severity
from lint.github.base import lint_base
from lint.review import match, passes, review, whole_scope
from lint.run import LintOptions, LintResult, lint_files
from tests.conftest import every_rule

BASE = """FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
WORKDIR /app
COPY . .
"""

# The same instruction moved down two lines, one new problem (cd), one fixed (curl pinned).
HEAD = """FROM debian:12
WORKDIR /app
RUN cd /tmp && echo hi
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY . .
"""


def lint_text(tmp: Path, text: str, name: str = "Dockerfile") -> LintResult:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    (tmp / ".dockerignore").write_text(".git\n")
    return lint_files([Found(name, path)], every_rule(), LintOptions())


def codes(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in findings]


def test_moved_instruction_is_existing_not_new(tmp_path: Path) -> None:
    base = lint_text(tmp_path / "base", BASE)
    head = lint_text(tmp_path / "head", HEAD)
    new, fixed, existing = match(head.findings, base.findings)
    assert codes(new) == [("DL3003", 3)]
    assert fixed == []
    assert ("DL3008", 4) in codes(existing)
    assert {f.code for f in existing} >= {"DL3008", "DL3009"}


def test_fixed_findings(tmp_path: Path) -> None:
    base = lint_text(tmp_path / "base", HEAD)
    head = lint_text(tmp_path / "head", BASE)
    new, fixed, _ = match(head.findings, base.findings)
    assert new == []
    assert codes(fixed) == [("DL3003", 3)]


def finding(line: int, code: str = "DL3003", end: int = 0) -> Finding:
    return Finding("Dockerfile", line, code, Severity.WARNING, "m", "hadolint", end_line=end)


def test_whole_scope_is_line_one_or_a_from_line() -> None:
    df = parse("Dockerfile", "# comment\nFROM a AS b\nRUN x\nFROM c\n")
    assert whole_scope(finding(1), df)
    assert whole_scope(finding(2), df)
    assert whole_scope(finding(4), df)
    assert not whole_scope(finding(3), df)
    assert not whole_scope(finding(3), None)


@pytest.mark.parametrize(("mode", "line", "expected"), [
    ("added", 5, True), ("added", 6, False), ("added", 8, False),
    ("diff_context", 8, True), ("diff_context", 12, False),
    ("file", 12, True), ("nofilter", 12, True),
])
def test_filter_modes(mode: str, line: int, expected: bool) -> None:
    lines = FileLines(added=((5, 5),), context=((2, 8),))
    df = parse("Dockerfile", "FROM a\n" + "RUN x\n" * 14)
    assert passes(finding(line), mode, lines, df) is expected


def test_from_line_counts_whatever_the_filter() -> None:
    df = parse("Dockerfile", "FROM a\nRUN x\nFROM b\nRUN y\n")
    lines = FileLines(added=((4, 4),))
    assert passes(finding(3), "added", lines, df)
    assert not passes(finding(2), "added", lines, df)


def test_multi_line_finding_counts_when_any_line_changed() -> None:
    assert passes(finding(2, end=4), "added", FileLines(added=((4, 4),)), None)


def test_review_classifies_and_counts() -> None:
    head = [finding(1, "DC101"), finding(3), finding(5, "DL3008"),
            Finding("other/Dockerfile", 2, "DL3003", Severity.WARNING, "m", "hadolint")]
    head = [f.with_(fingerprint=f"{f.code}{f.line}") for f in head]
    base = [head[1].with_(), Finding("Dockerfile", 9, "DL3059", Severity.INFO, "m", "hadolint",
                                     fingerprint="gone")]
    df = parse("Dockerfile", "FROM a\n" + "RUN x\n" * 8)
    result = review(head, {"Dockerfile": df}, affected={"Dockerfile": "changed"},
                    base={"Dockerfile": base}, lines={"Dockerfile": FileLines(added=((7, 7),))})
    shape = [(r.path, r.reason, len(r.new), len(r.fixed), len(r.existing)) for r in result.files]
    assert shape == [("Dockerfile", "changed", 2, 1, 1), ("other/Dockerfile", "unchanged", 0, 0, 1)]
    # DL3008 on line 5 is new but outside the added lines; DC101 on line 1 counts anyway.
    assert codes(list(result.counted)) == [("DC101", 1)]
    everything = review(head, {"Dockerfile": df}, affected={"Dockerfile": "changed"},
                        base={"Dockerfile": base}, lines={}, filter_mode="nofilter")
    assert len(everything.counted) == 4


def test_dockerignore_change_counts_every_new_finding() -> None:
    head = [finding(3, "DC303").with_(fingerprint="x")]
    result = review(head, {}, affected={"Dockerfile": "dockerignore"}, base={"Dockerfile": []},
                    lines={})
    assert codes(list(result.counted)) == [("DC303", 3)]


def test_no_base_means_everything_counts_and_extras_always_count() -> None:
    budget = Finding("Dockerfile", 1, "DC501", Severity.ERROR, "too big", "dockerfile-review")
    result = review([finding(3)], {}, affected=None, base={}, lines={}, always_new=[budget])
    assert not result.compared
    assert codes(list(result.counted)) == [("DL3003", 3), ("DC501", 1)]
    assert len(result.findings) == 2


def test_removed_dockerfile_findings_go_with_the_file_and_are_not_fixed() -> None:
    gone = [finding(2).with_(fingerprint="a")]
    result = review([], {}, affected={}, base={}, lines={}, removed={"old/Dockerfile": gone})
    assert [(r.path, r.reason, len(r.fixed), len(r.gone)) for r in result.files] == [
        ("old/Dockerfile", "removed", 0, 1)]
    assert result.fixed == []


def test_lint_base_uses_the_base_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    root = tmp_path / "base"
    (root / "app").mkdir(parents=True)
    (root / "app" / "Dockerfile").write_text(BASE)
    (root / ".hadolint.yaml").write_text("ignored: [DL3008]\n")
    # The working directory holds another config (the head's): the base's must win.
    cwd = tmp_path / "head"
    cwd.mkdir()
    (cwd / ".hadolint.yaml").write_text("ignored: [DL3009]\n")
    monkeypatch.chdir(cwd)
    based = lint_base(root, {"svc/Dockerfile": "app/Dockerfile", "new/Dockerfile":
                             "new/Dockerfile"}, Overrides(), LintOptions(), {})
    assert based.notes == []
    assert set(based.findings) == set(based.dockerfiles) == {"svc/Dockerfile"}
    got = {f.code for f in based.findings["svc/Dockerfile"]}
    assert "DL3008" not in got
    assert "DL3009" in got
    assert all(f.path == "svc/Dockerfile" for f in based.findings["svc/Dockerfile"])
    assert Path.cwd() == cwd


def test_lint_base_with_a_broken_base_config_says_so(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BASE)
    (tmp_path / ".hadolint.yaml").write_text("- not a mapping\n")
    based = lint_base(tmp_path, {"Dockerfile": "Dockerfile"}, Overrides(), LintOptions(), {})
    assert based.findings == {}
    assert len(based.notes) == 1 and based.notes[0].startswith("base configuration unusable")


def test_whole_file_findings_survive_a_new_first_line(tmp_path: Path) -> None:
    base = lint_text(tmp_path / "base", BASE)
    head = lint_text(tmp_path / "head", "# a comment above FROM\n" + BASE)
    new, fixed, existing = match(head.findings, base.findings)
    assert (new, fixed) == ([], [])
    assert len(existing) == len(head.findings)
