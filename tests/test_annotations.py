"""The annotations sink: GitHub workflow commands, escaped once, within GitHub's limits.

``parse`` below follows the runner's own parser (actions/runner ``ActionCommand.TryParseV2``:
split at the first ``::`` after the name, properties on ``,`` then the first ``=``, unescape
``%25`` last), so a round trip proves what GitHub will read. No runner can run here; this
re-implementation is the stand-in and says so.
"""

from __future__ import annotations

import pytest

from lint.finding import Finding, Severity
from lint.run import LintResult
from lint.sinks import annotations as annotations_sink
from tests.golden.fixture import check, lint_fixture

_UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, data) as the GitHub runner reads one line."""
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    end = line.index("::", 2)
    info = line[2:end]
    name, _, props_text = info.partition(" ")
    props: dict[str, str] = {}
    for part in filter(None, props_text.split(",")):
        key, sep, value = part.partition("=")
        if key and sep:
            for old, new in _UNESCAPE_PROPERTY:
                value = value.replace(old, new)
            props[key] = value
    data = line[end + 2:]
    for old, new in _UNESCAPE_DATA:
        data = data.replace(old, new)
    return name, props, data


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(path="Dockerfile", line=3, code="DL3008",
                                   severity=Severity.WARNING, message="m", source="hadolint")
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fixture_result(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    return lint_fixture(tmp_path_factory.mktemp("cwd"))


def test_golden_annotations(fixture_result: LintResult) -> None:
    lines = annotations_sink.render(fixture_result.findings)
    check("fixture.annotations", "".join(line + "\n" for line in lines))
    # 3 errors, 12 warnings (2 cut), 7 notices, and the closing notice about the 2.
    assert [parse(line)[0] for line in lines] == (
        ["error"] * 3 + ["warning"] * 10 + ["notice"] * 8
    )
    assert parse(lines[-1])[2] == (
        "2 more findings are not shown as annotations (GitHub keeps 10 per level): "
        "see the SARIF file and the job summary."
    )


def test_exact_line_and_title() -> None:
    line = annotations_sink.annotation(_finding(
        path="svc/Dockerfile", line=2, end_line=4, code="SC2086", source="shellcheck",
        severity=Severity.INFO, message="Double quote to prevent globbing",
    ))
    assert line == (
        "::notice file=svc/Dockerfile,line=2,endLine=4,title=SC2086 (shellcheck)::"
        "Double quote to prevent globbing"
    )
    one_line = annotations_sink.annotation(_finding(column=5, end_column=9, code="DC101",
                                               source="dockerfile-review"))
    assert one_line == (
        "::warning file=Dockerfile,line=3,endLine=3,col=5,endColumn=9,"
        "title=DC101 (dockerfile-review)::m "
        "(https://github.com/dockerfile-review/dockerfile-review/blob/v0.1.0/docs/rules.md#dc101)"
    )


def test_hostile_path_and_message_round_trip() -> None:
    path = "a%b,c:d"
    message = "first line\nsecond: 100%, done\r\nthird ::warning file=x::y %0A"
    line = annotations_sink.annotation(_finding(path=path, message=message,
                                           severity=Severity.ERROR))
    assert line == (
        "::error file=a%25b%2Cc%3Ad,line=3,endLine=3,col=1,title=DL3008 (hadolint)::"
        "first line%0Asecond: 100%25, done%0D%0Athird ::warning file=x::y %250A"
    )
    assert parse(line) == (
        "error",
        {"file": path, "line": "3", "endLine": "3", "col": "1", "title": "DL3008 (hadolint)"},
        message,
    )


@pytest.mark.parametrize(("value", "data", "prop"), [
    ("%", "%25", "%25"),
    ("\r", "%0D", "%0D"),
    ("\n", "%0A", "%0A"),
    (":", ":", "%3A"),
    (",", ",", "%2C"),
    ("%3A", "%253A", "%253A"),
    ("plain = text", "plain = text", "plain = text"),
])
def test_escape_table(value: str, data: str, prop: str) -> None:
    assert annotations_sink.escape(value, prop=False) == data
    assert annotations_sink.escape(value, prop=True) == prop


def test_most_severe_first_and_limits() -> None:
    findings = (
        [_finding(line=n, severity=Severity.STYLE, code="DL3048") for n in range(1, 6)]
        + [_finding(line=n, severity=Severity.INFO, code="DL3059") for n in range(1, 8)]
        + [_finding(line=n, severity=Severity.WARNING) for n in range(1, 13)]
        + [_finding(line=n, severity=Severity.ERROR, code="DL3000") for n in range(1, 4)]
    )
    lines = annotations_sink.render(findings)
    parsed = [parse(line) for line in lines]
    assert [p[0] for p in parsed] == ["error"] * 3 + ["warning"] * 10 + ["notice"] * 10
    # info outranks style among the notices; within a level, file order.
    assert [(p[1]["title"], p[1]["line"]) for p in parsed[13:22]] == (
        [("DL3059 (hadolint)", str(n)) for n in range(1, 8)]
        + [("DL3048 (hadolint)", "1"), ("DL3048 (hadolint)", "2")]
    )
    assert parsed[-1] == (
        "notice", {"title": "dockerfile-review"},
        "5 more findings are not shown as annotations (GitHub keeps 10 per level): "
        "see the SARIF file and the job summary.",
    )


def test_nothing_cut_means_no_summary_notice() -> None:
    findings = [_finding(line=n, severity=Severity.ERROR) for n in range(1, 11)] + [
        _finding(line=n, severity=Severity.STYLE) for n in range(1, 10)]
    lines = annotations_sink.render(findings)
    assert len(lines) == 19 and all("more finding" not in line for line in lines)
    assert annotations_sink.render([]) == []


def test_one_cut_is_singular() -> None:
    lines = annotations_sink.render(
        [_finding(line=n, severity=Severity.INFO) for n in range(1, 11)])
    assert len(lines) == 10
    assert parse(lines[-1])[2].startswith("1 more finding is not shown")


def test_limits_are_adjustable() -> None:
    lines = annotations_sink.render([_finding(line=n) for n in range(1, 4)], max_warnings=1)
    assert [parse(line)[0] for line in lines] == ["warning", "notice"]
    assert parse(lines[1])[2].startswith("2 more findings")
