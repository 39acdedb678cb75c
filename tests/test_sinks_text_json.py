"""The terminal-text and JSON sinks: goldens from the real fixture, exact bytes for the edges."""

from __future__ import annotations

import json

import pytest

from lint.finding import Finding, Severity
from lint.run import LintResult
from lint.sinks import jsonout, text
from tests.golden.fixture import check, lint_fixture

HOSTILE = "evil \x1b[2J\x1b]0;pwned\x07 \u202eabc\u202c \x9b31m tab\there"


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(path="Dockerfile", line=3, code="DL3008",
                                   severity=Severity.WARNING, message="m", source="hadolint")
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fixture_result(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    return lint_fixture(tmp_path_factory.mktemp("cwd"))


def test_golden_text(fixture_result: LintResult) -> None:
    out = text.render(fixture_result.findings)
    check("fixture.txt", out)
    assert "\x1b" not in out
    assert out.splitlines()[0] == "app.Dockerfile:2 DL3008 warning: Pin versions in apt get " \
        "install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`"


def test_golden_json(fixture_result: LintResult) -> None:
    out = jsonout.render(fixture_result.findings)
    check("fixture.json", out)
    data = json.loads(out)
    assert [Finding(**{k: v for k, v in d.items() if k != "severity"},
                    severity=Severity(d["severity"])) for d in data] == fixture_result.findings
    assert data[0] == {
        "path": "app.Dockerfile", "line": 2, "end_line": 2, "column": 1, "code": "DL3008",
        "severity": "warning",
        "message": "Pin versions in apt get install. Instead of `apt-get install <package>` use "
                   "`apt-get install <package>=<version>`",
        "source": "hadolint", "fingerprint": fixture_result.findings[0].fingerprint,
    }


def test_text_exact_lines_and_colour() -> None:
    findings = [
        _finding(severity=Severity.ERROR, code="DL3000", message="Use absolute WORKDIR"),
        _finding(line=4, severity=Severity.WARNING),
        _finding(line=5, severity=Severity.INFO, code="SC2086", source="shellcheck"),
        _finding(line=6, severity=Severity.STYLE, code="DL3048"),
    ]
    assert text.render(findings) == (
        "Dockerfile:3 DL3000 error: Use absolute WORKDIR\n"
        "Dockerfile:4 DL3008 warning: m\n"
        "Dockerfile:5 SC2086 info: m\n"
        "Dockerfile:6 DL3048 style: m\n"
    )
    assert text.render(findings, color=True) == (
        "Dockerfile:3 DL3000 \x1b[31merror\x1b[0m: Use absolute WORKDIR\n"
        "Dockerfile:4 DL3008 \x1b[33mwarning\x1b[0m: m\n"
        "Dockerfile:5 SC2086 \x1b[36minfo\x1b[0m: m\n"
        "Dockerfile:6 DL3048 \x1b[2mstyle\x1b[0m: m\n"
    )
    assert text.render([]) == ""


def test_text_neutralises_escape_sequences() -> None:
    out = text.render([_finding(path="a\x1b[31m/Dockerfile", message=HOSTILE + "\nnext")])
    assert out == (
        "a\\x1b[31m/Dockerfile:3 DL3008 warning: "
        "evil \\x1b[2J\\x1b]0;pwned\\x07 \\u202eabc\\u202c \\x9b31m tab\\there\\nnext\n"
    )
    assert out.count("\n") == 1 and out.isascii()
    # Printable non-ASCII stays as it is.
    printable = "café ☕ 𝄞"
    expected = f"Dockerfile:3 DL3008 warning: {printable}\n"
    assert text.render([_finding(message=printable)]) == expected


def test_json_exact_bytes_and_hostile_text() -> None:
    out = jsonout.render([_finding(message=HOSTILE + " café\u2028", fingerprint="ab:1")])
    assert out == (
        "[\n  {\n"
        '    "path": "Dockerfile",\n    "line": 3,\n    "end_line": 3,\n    "column": 1,\n'
        '    "code": "DL3008",\n    "severity": "warning",\n'
        '    "message": "evil \\u001b[2J\\u001b]0;pwned\\u0007 \\u202eabc\\u202c \\u009b31m '
        'tab\\there café\\u2028",\n'
        '    "source": "hadolint",\n    "fingerprint": "ab:1"\n'
        "  }\n]\n"
    )
    assert json.loads(out)[0]["message"] == HOSTILE + " café\u2028"
    assert jsonout.render([]) == "[]\n"
