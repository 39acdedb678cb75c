"""The sinks under hostile text in paths, codes and messages (what a pull request controls, or
a linter quotes from it): annotations stay one workflow command each and carry their data
exactly as the runner unescapes it; plain log lines never start a command; markdown table rows
keep their cells and no HTML but our own tags gets through; SARIF stays valid JSON of the
shape GitHub ingests (the official schema and GitHub's rules, ``tests/test_sarif.py``); the
JSON outputs round-trip."""

from __future__ import annotations

import json
import re

import jsonschema
from hypothesis import example, given
from hypothesis import strategies as st

from lint.finding import Finding, Severity
from lint.github.emit import plain
from lint.review import review
from lint.sinks import annotations as annotation_sink
from lint.sinks import comment, jsonout, sarif, summary, text
from lint.sinks.neutralize import inline
from tests.fuzz.strategies import findings, hostile
from tests.test_sarif import SCHEMA_PATH, github_problems

COMMAND = re.compile(r"::(error|warning|notice)(?: ([^:]*))?::(.*)")
CTX = comment.Context("https://github.com", "octo-org/octo-repo", "0" * 40,
                      "https://github.com/octo-org/octo-repo/actions/runs/1", "1" * 40,
                      Severity.WARNING)
OUR_TAGS = re.compile(r"</?(details|summary|sub)>|<!-- dockerfile-review:[^<>]*? -->")
SCHEMA = jsonschema.Draft4Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
finding_lists = st.lists(findings(), max_size=4)


def runner_lines(stdout: str) -> list[str]:
    """Lines as the runner splits them (CR, LF, CRLF)."""
    return re.split(r"\r\n|\r|\n", stdout)


def unescape(value: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for escaped, raw in [*pairs, ("%25", "%")]:
        value = value.replace(escaped, raw)
    return value


@given(finding_lists)
def test_each_annotation_is_one_command_whose_data_round_trips(found: list[Finding]) -> None:
    lines = annotation_sink.render(found)
    assert len(runner_lines("\n".join(lines))) == max(len(lines), 1)
    seen: list[tuple[str, dict[str, str]]] = []
    for line in lines:
        match = COMMAND.fullmatch(line)
        assert match is not None, line
        props = dict(item.split("=", 1) for item in match.group(2).split(",")) \
            if match.group(2) else {}
        seen.append((unescape(match.group(3), False),
                     {k: unescape(v, True) for k, v in props.items()}))
    for f in found[:9]:  # within GitHub's per-level limits every finding is there
        if sum(g.severity is f.severity for g in found) > 9:
            continue
        hit = [p for m, p in seen if m.startswith(f.message) and
               p.get("file") == f.path and p.get("line") == str(f.line)]
        assert hit, f


@given(hostile)
def test_a_plain_line_never_starts_a_command(value: str) -> None:
    lines = runner_lines(plain(value))
    assert len(lines) == 1
    assert not lines[0].lstrip().startswith("::")


@given(hostile)
def test_inline_markdown_is_one_inert_line(value: str) -> None:
    out = inline(value)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out  # HTML is entities
    assert re.search(r"(?<!\\)[|`*_\[\]~$]", out) is None  # every markdown mark escaped
    # No mention, no issue link (``&#8203;`` is the entity we write after ``@``/``#``).
    assert re.search(r"(?<!&)[@#](?=[A-Za-z0-9_])", out) is None


def _check_markdown(body: str) -> None:
    assert body.count("<!--") == 1 and body.count("-->") == 1
    assert OUR_TAGS.sub("", body).count("<") == 0, body
    header = None
    for line in body.split("\n"):
        cells = len(re.findall(r"(?<!\\)\|", line))
        if line.startswith("| Dockerfile |"):
            header = cells
        elif line.startswith("|") and header is not None:
            assert cells == header, line
        elif not line.startswith("|"):
            header = None


@given(finding_lists, finding_lists, st.lists(hostile, max_size=3), hostile)
def test_comment_and_summary_keep_their_table_and_escape_html(
        head: list[Finding], base: list[Finding], notes: list[str], renamed: str) -> None:
    paths = {f.path for f in head}
    result = review(head, {}, affected=dict.fromkeys(paths, "changed"),
                    base={p: [f for f in base if f.path == p] for p in paths}, lines={},
                    filter_mode="nofilter", previous={p: renamed for p in list(paths)[:1]},
                    removed={f.path + "x": [f] for f in base[:1]}, notes=notes)
    body = comment.render(result, CTX, "octo/repo/.github/workflows/x.yml:job")
    assert len(body) <= comment.COMMENT_LIMIT
    _check_markdown(body)
    page = summary.render(result, CTX)
    assert page.count("<!--") == 0
    assert OUR_TAGS.sub("", page).count("<") == 0


@given(finding_lists, st.dictionaries(hostile, hostile, max_size=2))
# Found by this test: an empty message made a result GitHub rejects (no message.text).
@example([Finding("Dockerfile", 1, "DL3008", Severity.ERROR, "", "hadolint",
                  fingerprint="0" * 16)], {})
def test_sarif_is_valid_json_of_the_shape_github_ingests(found: list[Finding],
                                                         texts: dict[str, str]) -> None:
    texts = {**texts, **{f.path: "FROM x\n" * 3 for f in found[:2]}}
    log = json.loads(sarif.dumps(sarif.render(found, texts)))
    assert [e.message for e in SCHEMA.iter_errors(log)] == []
    assert github_problems(log) == []
    assert len(log["runs"][0]["results"]) == len(found)


@given(finding_lists)
def test_json_findings_round_trip(found: list[Finding]) -> None:
    data = json.loads(jsonout.render(found))
    assert [(d["path"], d["line"], d["code"], d["message"]) for d in data] == \
        [(f.path, f.line, f.code, f.message) for f in found]


@given(finding_lists)
def test_terminal_text_is_one_printable_line_per_finding(found: list[Finding]) -> None:
    real = [f.with_(code="DL3008") for f in found]  # codes come from our rules or hadolint
    out = text.render(real)
    assert out.count("\n") == len(real)
    assert all(line.isprintable() for line in out.split("\n"))
